package io.cms.connectstore.testutils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The part of S3 the lake compaction uses (list with pagination, get to a file, put, batch
 * delete) over one bucket in memory, with a switch that makes the next batch deletes fail as a
 * crash or an outage would.
 */
public final class InMemoryS3 implements S3Client {

    private final String bucket;
    private final NavigableMap<String, byte[]> objects = new ConcurrentSkipListMap<>();
    /** How many of the next deleteObjects calls fail. */
    public final AtomicInteger failDeletes = new AtomicInteger();
    /** Keys that deleteObjects reports as not deleted (AccessDenied), as S3 does per key, without throwing. */
    public final java.util.Set<String> refuseToDelete = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Keys per list page (small, so the pagination is exercised). */
    private final int pageSize;

    public InMemoryS3(String bucket, int pageSize) {
        this.bucket = bucket;
        this.pageSize = pageSize;
    }

    /** Stores a local file under {@code key}. */
    public void put(String key, Path file) {
        try {
            objects.put(key, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The keys under {@code prefix}, in order. */
    public List<String> keys(String prefix) {
        return new ArrayList<>(objects.subMap(prefix, prefix + Character.MAX_VALUE).keySet());
    }

    /** Writes the object {@code key} to {@code file}. */
    public void copyTo(String key, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, objects.get(key));
    }

    private void checkBucket(String name) {
        if (!bucket.equals(name)) {
            throw (S3Exception) S3Exception.builder().statusCode(404).message("NoSuchBucket " + name).build();
        }
    }

    @Override
    public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
        checkBucket(request.bucket());
        String prefix = request.prefix() == null ? "" : request.prefix();
        String after = request.continuationToken();
        List<S3Object> page = new ArrayList<>();
        String next = null;
        for (Map.Entry<String, byte[]> e : objects.subMap(prefix, prefix + Character.MAX_VALUE).entrySet()) {
            if (after != null && e.getKey().compareTo(after) <= 0) {
                continue;
            }
            if (page.size() == pageSize) {
                next = page.get(page.size() - 1).key();
                break;
            }
            page.add(S3Object.builder().key(e.getKey()).size((long) e.getValue().length).build());
        }
        return ListObjectsV2Response.builder().contents(page).keyCount(page.size())
                .isTruncated(next != null).nextContinuationToken(next).build();
    }

    @Override
    public GetObjectResponse getObject(GetObjectRequest request, Path destination) {
        checkBucket(request.bucket());
        byte[] data = objects.get(request.key());
        if (data == null) {
            throw NoSuchKeyException.builder().statusCode(404).message("no such key " + request.key()).build();
        }
        try {
            // As the SDK's file transformer: it refuses to overwrite an existing file.
            Files.write(destination, data, java.nio.file.StandardOpenOption.CREATE_NEW);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return GetObjectResponse.builder().contentLength((long) data.length).build();
    }

    @Override
    public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
        checkBucket(request.bucket());
        try (InputStream in = body.contentStreamProvider().newStream()) {
            objects.put(request.key(), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PutObjectResponse.builder().build();
    }

    @Override
    public DeleteObjectsResponse deleteObjects(DeleteObjectsRequest request) {
        checkBucket(request.bucket());
        if (failDeletes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw (S3Exception) S3Exception.builder().statusCode(503).message("SlowDown (simulated)").build();
        }
        List<DeletedObject> deleted = new ArrayList<>();
        List<S3Error> errors = new ArrayList<>();
        for (ObjectIdentifier id : request.delete().objects()) {
            if (refuseToDelete.contains(id.key())) {
                errors.add(S3Error.builder().key(id.key()).code("AccessDenied").message("Access Denied").build());
                continue;
            }
            objects.remove(id.key());
            deleted.add(DeletedObject.builder().key(id.key()).build());
        }
        return DeleteObjectsResponse.builder().deleted(deleted).errors(errors).build();
    }

    @Override
    public String serviceName() {
        return "s3";
    }

    @Override
    public void close() {
    }
}
