package io.cms.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
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
 * a flood of tokens with random key ids cannot turn the validator into a JWKS load generator. When the
 * endpoint is down, keys fetched before keep working until their TTL ends; only tokens needing a new
 * or expired key fail, with {@link JwksUnavailableException}.
 */
public final class JwksCache {

    private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);
    /** A JWKS document larger than this is refused (Cognito's is about 1 KB). */
    static final int MAX_JWKS_BYTES = 256 * 1024;

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
     * @throws JwksUnavailableException when a fetch was needed and failed
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
            // No usable keys and a fetch failed moments ago: do not hammer the endpoint.
            throw new JwksUnavailableException("no current signing keys from " + jwksUrl
                    + " and the last fetch failed less than " + minRefreshInterval.toSeconds() + " s ago");
        }
        lastAttempts.put(jwksUrl, now);
        try {
            JWKSet set = JWKSet.parse(download(jwksUrl));
            snapshots.put(jwksUrl, new Snapshot(set, now));
            LOG.info("fetched {} signing key(s) from {}", set.getKeys().size(), jwksUrl);
            return set.getKeyByKeyId(kid);
        } catch (IOException e) {
            throw new JwksUnavailableException("cannot fetch signing keys from " + jwksUrl + ": " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new JwksUnavailableException("signing keys at " + jwksUrl + " are not a JWK set: " + e.getMessage(), e);
        }
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
