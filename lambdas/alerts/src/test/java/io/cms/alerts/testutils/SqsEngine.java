package io.cms.alerts.testutils;

import java.net.URI;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ, a real SQS engine, in-process on 127.0.0.1 with a free port, and an SDK client for it.
 * It keeps receive counts, visibility timeouts and moves a message to the dead-letter queue named
 * in the source queue's {@code RedrivePolicy} after {@code maxReceiveCount} receives, as SQS does.
 */
public final class SqsEngine implements AutoCloseable {

    private final SQSRestServer server;
    private final SqsClient sqs;

    public SqsEngine() {
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = server.waitUntilStarted().localAddress().getPort();
        sqs = SqsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    public SqsClient sqs() {
        return sqs;
    }

    /** A dead-letter queue; returns its URL. */
    public String createQueue(String name) {
        return sqs.createQueue(b -> b.queueName(name)).queueUrl();
    }

    /**
     * A queue whose messages move to {@code deadLetterQueueUrl} after {@code maxReceiveCount}
     * receives; returns its URL.
     */
    public String createQueueWithDeadLetterQueue(String name, String deadLetterQueueUrl, int maxReceiveCount,
                                                 int visibilityTimeoutSeconds) {
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(deadLetterQueueUrl)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        return sqs.createQueue(b -> b.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds),
                QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"" + maxReceiveCount + "\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}")))
                .queueUrl();
    }

    /** Messages in the queue, visible or in flight. */
    public int depth(String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    @Override
    public void close() {
        sqs.close();
        server.stopAndWait();
    }
}
