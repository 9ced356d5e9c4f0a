package io.cms.provisioning;

import io.cms.lambda.common.BadInputException;
import java.util.ArrayList;
import java.util.List;

/** Splits one CSV line (RFC 4180 quoting within the line: {@code "a, b"} and {@code ""} for a quote). */
final class Csv {

    private Csv() {
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                if (field.toString().isBlank() && !wasQuoted) {
                    field.setLength(0);
                    quoted = true;
                    wasQuoted = true;
                } else {
                    throw new BadInputException("a quote must start a field (column " + (i + 1) + ")");
                }
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (wasQuoted && !Character.isWhitespace(c)) {
                throw new BadInputException("text after a closing quote (column " + (i + 1) + ")");
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new BadInputException("unterminated quoted field");
        }
        out.add(field.toString());
        return out;
    }
}
