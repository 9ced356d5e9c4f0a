package io.cms.modules.api;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields of {@code type Query} in a GraphQL schema, so the stack creates a resolver for every
 * operation the schema declares and nothing else: the schema file stays the one source.
 */
public final class QueryFields {

    private static final Pattern QUERY_TYPE = Pattern.compile("(?m)^\\s*type\\s+Query\\b[^{]*\\{");
    private static final Pattern FIELD = Pattern.compile("^\\s*([_A-Za-z][_0-9A-Za-z]*)\\s*[(:]");

    private QueryFields() {
    }

    /**
     * @throws IllegalArgumentException when the schema has no {@code type Query}, it is not closed,
     *     or it declares no field
     */
    public static List<String> of(String schema) {
        String text = withoutDescriptionsAndComments(schema);
        Matcher start = QUERY_TYPE.matcher(text);
        if (!start.find()) {
            throw new IllegalArgumentException("the GraphQL schema has no 'type Query { ... }'");
        }
        int end = text.indexOf('}', start.end());
        if (end < 0) {
            throw new IllegalArgumentException("the GraphQL schema's 'type Query {' is never closed");
        }
        List<String> fields = new ArrayList<>();
        int depth = 0;
        for (String line : text.substring(start.end(), end).split("\n")) {
            if (depth == 0) {
                Matcher field = FIELD.matcher(line);
                if (field.find()) {
                    fields.add(field.group(1));
                }
            }
            // Arguments may span lines: only a line outside parentheses starts a field.
            depth += count(line, '(') - count(line, ')');
        }
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("the GraphQL schema's 'type Query' declares no field");
        }
        return List.copyOf(fields);
    }

    /** Drops block strings, plain strings and {@code #} comments, keeping line breaks. */
    static String withoutDescriptionsAndComments(String schema) {
        StringBuilder out = new StringBuilder(schema.length());
        int i = 0;
        while (i < schema.length()) {
            if (schema.startsWith("\"\"\"", i)) {
                int close = schema.indexOf("\"\"\"", i + 3);
                if (close < 0) {
                    throw new IllegalArgumentException("the GraphQL schema has an unclosed \"\"\" description");
                }
                keepNewlines(out, schema, i, close + 3);
                i = close + 3;
            } else if (schema.charAt(i) == '"') {
                int close = i + 1;
                while (close < schema.length() && schema.charAt(close) != '"' && schema.charAt(close) != '\n') {
                    close += schema.charAt(close) == '\\' ? 2 : 1;
                }
                i = Math.min(close + 1, schema.length());
            } else if (schema.charAt(i) == '#') {
                int eol = schema.indexOf('\n', i);
                i = eol < 0 ? schema.length() : eol;
            } else {
                out.append(schema.charAt(i++));
            }
        }
        return out.toString();
    }

    private static void keepNewlines(StringBuilder out, String s, int from, int to) {
        for (int k = from; k < to; k++) {
            if (s.charAt(k) == '\n') {
                out.append('\n');
            }
        }
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int k = 0; k < s.length(); k++) {
            if (s.charAt(k) == c) {
                n++;
            }
        }
        return n;
    }
}
