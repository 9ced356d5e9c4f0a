package io.cms.auth;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;

/**
 * JSON for the token paths through the JSON support nimbus-jose-jwt already loads to parse every
 * token. Not using Jackson databind here saves its start-up (about 80 ms of a cold start, measured
 * by {@code AuthBench}) in the authorizer and token-validation Lambdas, whose cold start is
 * otherwise only SDK and nimbus work. The code-exchange path keeps the project's {@code Json}.
 */
public final class LightJson {

    /** Events larger than this are refused unparsed (AppSync and Lambda events are far smaller). */
    public static final int MAX_EVENT_BYTES = 1024 * 1024 + 4096;

    private LightJson() {
    }

    /** The JSON object in {@code text}; a {@link ParseException} when it is not one. */
    public static Map<String, Object> parseObject(String text) throws ParseException {
        if (text == null || text.isBlank()) {
            throw new ParseException("empty input", 0);
        }
        return JSONObjectUtils.parse(text);
    }

    /** Reads and parses a Lambda event object. */
    public static Map<String, Object> readObject(InputStream in) throws ParseException, IOException {
        byte[] bytes = in.readNBytes(MAX_EVENT_BYTES + 1);
        if (bytes.length > MAX_EVENT_BYTES) {
            throw new ParseException("event larger than " + MAX_EVENT_BYTES + " bytes", 0);
        }
        return parseObject(new String(bytes, StandardCharsets.UTF_8));
    }

    public static String write(Map<String, ?> value) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        return JSONObjectUtils.toJSONString(map);
    }
}
