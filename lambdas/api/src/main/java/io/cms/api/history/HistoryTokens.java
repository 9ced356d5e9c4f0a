package io.cms.api.history;

import io.cms.lambda.common.BadInputException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * History {@code nextToken}s: opaque to callers, signed (HMAC-SHA256) and bound to the request they
 * continue. A token carries the cursor and a digest of the request (VIN, range, signals, limit);
 * any change to the token, or its use with another request, is refused before an engine is called.
 * The format is also checked strictly after the signature, so even a leaked key cannot smuggle text
 * into a query.
 */
public final class HistoryTokens {

    /** Tokens longer than this are refused without decoding. */
    public static final int MAX_TOKEN = 512;
    private static final Pattern PAYLOAD = Pattern.compile(
            "^h2\\|([A-Za-z0-9_-]{22})\\|(-|[0-9]{1,19}:[1-9][0-9]{0,8})\\|(-|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;

    /** @param key at least 32 bytes, the same on every instance serving the API */
    public HistoryTokens(byte[] key) {
        if (key == null || key.length < 32) {
            throw new IllegalArgumentException("the token key must have at least 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** The token continuing {@code request} at {@code cursor}. */
    public String encode(HistoryRequest request, HistoryCursor cursor) {
        String payload = "h2|" + digest(request) + "|"
                + (cursor.timestamp() == null ? "-" : cursor.timestamp() + ":" + cursor.seenAtTimestamp())
                + "|" + (cursor.pendingQueryId() == null ? "-" : cursor.pendingQueryId());
        byte[] bytes = payload.getBytes(StandardCharsets.US_ASCII);
        return B64.encodeToString(bytes) + "." + B64.encodeToString(mac(bytes));
    }

    /** The cursor of {@code token}, or START when it is null; a clear error for anything else. */
    public HistoryCursor decode(HistoryRequest request, String token) {
        if (token == null) {
            return HistoryCursor.START;
        }
        if (token.length() > MAX_TOKEN) {
            throw invalid();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            throw invalid();
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
            signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (!MessageDigest.isEqual(mac(payload), signature)) {
            throw invalid();
        }
        Matcher m = PAYLOAD.matcher(new String(payload, StandardCharsets.US_ASCII));
        if (!m.matches()) {
            throw invalid();
        }
        if (!m.group(1).equals(digest(request))) {
            throw new BadInputException("nextToken belongs to another query (vin, from, to, signals and limit must not change while paging)");
        }
        String pending = m.group(3).equals("-") ? null : m.group(3);
        if (m.group(2).equals("-")) {
            return new HistoryCursor(null, 0, pending);
        }
        String[] at = m.group(2).split(":");
        return new HistoryCursor(parseLong(at[0]), Integer.parseInt(at[1]), pending);
    }

    private static Long parseLong(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    private static BadInputException invalid() {
        return new BadInputException("nextToken is not valid");
    }

    private static String digest(HistoryRequest r) {
        String canonical = r.vin() + "\n" + r.fromMillis() + "\n" + r.toMillis() + "\n"
                + String.join("\u0000", r.signals()) + "\n" + r.limit();
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return B64.encodeToString(Arrays.copyOf(h, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
