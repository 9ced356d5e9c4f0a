package io.cms.local.broker;

import java.util.Optional;

/**
 * Resolves an ACTIVE certificate to its principal. A certificate that is unknown, inactive or
 * revoked resolves to empty, and the broker refuses the connection.
 */
public interface PrincipalDirectory {

    /** The principal of an active certificate, or empty. */
    Optional<Principal> activePrincipal(String certificateId);
}
