package io.cms.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.cms.lambda.common.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuers' signing keys, per JWKS URL. A key set is used for {@code ttl} after it was fetched.
 * An unknown {@code kid} triggers a refresh, at most once per {@code minRefreshInterval} per URL, so
 * a flood of tokens with random key ids cannot turn the validator into a JWKS load generator. After
 * the TTL a refresh is attempted, again at most once per {@code minRefreshInterval}; while refreshes
 * fail (timeout, non-200, not a JWK set) the last key set keeps being served, up to
 * {@link #MAX_STALE_AGE} after it was fetched, so a brief IdP outage does not become an outage of the
 * APIs. Tokens fail with {@link JwksUnavailableException} only when there are no usable keys (none
 * fetched yet, or older than {@link #MAX_STALE_AGE}), or when their key is not in the stale set.
 */
public final class JwksCache {

    private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);
    /** A JWKS document larger than this is refused (Cognito's is about 1 KB). */
    static final int MAX_JWKS_BYTES = 256 * 1024;
    /**
     * How long after its fetch a key set is still served when every refresh since its TTL ended has
     * failed. Older keys are dropped and tokens get {@link JwksUnavailableException}.
     */
    static final Duration MAX_STALE_AGE = Duration.ofHours(24);

    private record Snapshot(JWKSet keys, Instant fetchedAt) {
    }

    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastAttempts = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final Duration minRefreshInterval;
    private final Duration timeout;
    private final Clock clock;

    public JwksCache(Duration ttl, Duration minRefreshInterval, Duration timeout, Clock clock) {
        this.ttl = ttl;
        this.minRefreshInterval = minRefreshInterval;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * The key with {@code kid} published at {@code jwksUrl}, or null when the issuer does not publish
     * it (after a refresh, if one is allowed now).
     *
     * @throws JwksUnavailableException when a fetch was needed, failed, and the held keys cannot stand in
     *         (none, older than {@link #MAX_STALE_AGE}, or without {@code kid})
     */
    public JWK key(String jwksUrl, String kid) {
        Instant now = clock.instant();
        Snapshot current = snapshots.get(jwksUrl);
        if (isFresh(current, now)) {
            JWK key = current.keys().getKeyByKeyId(kid);
            if (key != null || !refreshAllowed(jwksUrl, now)) {
                return key;
            }
        }
        return fetch(jwksUrl, kid, now);
    }

    private boolean isFresh(Snapshot snapshot, Instant now) {
        return snapshot != null && now.isBefore(snapshot.fetchedAt().plus(ttl));
    }

    private boolean refreshAllowed(String jwksUrl, Instant now) {
        Instant last = lastAttempts.get(jwksUrl);
        return last == null || !now.isBefore(last.plus(minRefreshInterval));
    }

    /** Keys that may still be served while refreshes fail: fresh, or stale but within {@link #MAX_STALE_AGE}. */
    private boolean isUsable(Snapshot snapshot, Instant now) {
        return isFresh(snapshot, now) || (snapshot != null && now.isBefore(snapshot.fetchedAt().plus(MAX_STALE_AGE)));
    }

    private synchronized JWK fetch(String jwksUrl, String kid, Instant now) {
        Snapshot latest = snapshots.get(jwksUrl);
        // Another thread may have fetched while this one waited for the lock: use its result.
        if (latest != null && !latest.fetchedAt().isBefore(now)) {
            return latest.keys().getKeyByKeyId(kid);
        }
        if (!refreshAllowed(jwksUrl, now)) {
            if (isFresh(latest, now)) {
                return latest.keys().getKeyByKeyId(kid);
            }
            // The last fetch failed moments ago: do not hammer the endpoint, serve stale keys if any.
            return staleKey(latest, jwksUrl, kid, now, "the last fetch failed less than "
                    + minRefreshInterval.toSeconds() + " s ago", null);
        }
        lastAttempts.put(jwksUrl, now);
        String failure;
        Exception cause;
        try {
            JWKSet set = JWKSet.parse(download(jwksUrl));
            snapshots.put(jwksUrl, new Snapshot(set, now));
            LOG.info("fetched {} signing key(s) from {}", set.getKeys().size(), jwksUrl);
            return set.getKeyByKeyId(kid);
        } catch (IOException e) {
            failure = "cannot fetch signing keys from " + jwksUrl + ": " + e.getMessage();
            cause = e;
        } catch (ParseException e) {
            failure = "signing keys at " + jwksUrl + " are not a JWK set: " + e.getMessage();
            cause = e;
        }
        LOG.warn("JWKS fetch failed, next attempt in {} s at the earliest: {} (keys held: {})",
                minRefreshInterval.toSeconds(), failure, latest == null ? "none" : "fetched " + latest.fetchedAt());
        return staleKey(latest, jwksUrl, kid, now, failure, cause);
    }

    /**
     * {@code kid} from the held key set when a fetch is not possible now (rate-limited or failed). Fails when the set is
     * missing or older than {@link #MAX_STALE_AGE}, or lacks {@code kid} (a rotated key cannot be
     * told apart from a forged one while the issuer cannot be asked).
     */
    private JWK staleKey(Snapshot latest, String jwksUrl, String kid, Instant now, String failure, Exception cause) {
        if (!isUsable(latest, now)) {
            String held = latest == null ? "no signing keys from " + jwksUrl
                    : "the signing keys from " + jwksUrl + " are older than " + MAX_STALE_AGE.toHours() + " h";
            throw new JwksUnavailableException(held + " and " + failure, cause);
        }
        JWK key = latest.keys().getKeyByKeyId(kid);
        if (key == null) {
            throw new JwksUnavailableException("signing key " + Printable.clip(kid, TokenValidator.MAX_SHOWN_HEADER_CHARS)
                    + " is not among the keys held from " + jwksUrl + " and " + failure, cause);
        }
        return key;
    }

    private String download(String jwksUrl) throws IOException {
        URL url = URI.create(jwksUrl).toURL();
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setConnectTimeout((int) timeout.toMillis());
        connection.setReadTimeout((int) timeout.toMillis());
        connection.setInstanceFollowRedirects(false);
        connection.setRequestProperty("Accept", "application/json");
        try {
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new IOException("HTTP " + status);
            }
            try (InputStream in = connection.getInputStream()) {
                byte[] body = in.readNBytes(MAX_JWKS_BYTES + 1);
                if (body.length > MAX_JWKS_BYTES) {
                    throw new IOException("the JWKS document exceeds " + MAX_JWKS_BYTES + " bytes");
                }
                return new String(body, StandardCharsets.UTF_8);
            }
        } finally {
            connection.disconnect();
        }
    }
}
