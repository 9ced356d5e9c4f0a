package io.cms.local.broker;

import java.time.Instant;

/**
 * A message a client published, as the local rules see it.
 *
 * @param clientId the publishing client's id (a vehicle's thing name)
 * @param certificateId the id of the certificate the client authenticated with
 * @param topic the topic
 * @param payload the raw payload
 * @param qos 0, 1 or 2
 * @param receivedAt when the broker received it
 */
public record InboundMessage(String clientId, String certificateId, String topic, byte[] payload, int qos, Instant receivedAt) {
}
