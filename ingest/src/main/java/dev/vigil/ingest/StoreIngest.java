package dev.vigil.ingest;

import dev.vigil.ingest.importer.ImportAppender;
import dev.vigil.ingest.proto.DelimitedProtobufParser;
import dev.vigil.ingest.push.GroupView;
import dev.vigil.ingest.push.PushBody;
import dev.vigil.ingest.push.PushException;
import dev.vigil.ingest.push.PushGroups;
import dev.vigil.ingest.push.PushOptions;
import dev.vigil.ingest.remote.RemoteWriteAppender;
import dev.vigil.ingest.remote.RemoteWriteDecoder;
import dev.vigil.ingest.text.ExpositionFormat;
import dev.vigil.ingest.text.TextParser;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** {@link Ingest} over one store: pushes parsed and applied to the {@link PushGroups}, remote writes and imports appended. */
public final class StoreIngest implements Ingest {
    private final PushGroups groups;
    private final RemoteWriteAppender remoteWrite;
    private final ImportAppender importer;
    private final ThreadLocal<TextParser> textParsers = ThreadLocal.withInitial(TextParser::new);
    private final ThreadLocal<DelimitedProtobufParser> protoParsers = ThreadLocal.withInitial(DelimitedProtobufParser::new);
    /** Parsed pushes, emptied for each request (see {@link PushBody#reset()}). */
    private final Lender<PushBody> pushBodies;

    /** Over {@code groups}, which this closes. */
    public StoreIngest(Storage storage, PushGroups groups) {
        this.groups = groups;
        this.remoteWrite = new RemoteWriteAppender(storage);
        this.importer = new ImportAppender(storage, System::currentTimeMillis);
        this.pushBodies = new Lender<>(() -> new PushBody(groups.options()), Lender.KEEP);
    }

    @Override
    public PushResult push(Push push) throws IngestException, IOException {
        if (push.method() == Method.DELETE) {
            groups.delete(push.group());
            return PushResult.ACCEPTED;
        }
        PushBody body = pushBodies.take();
        try {
            return push(push, body);
        } finally {
            pushBodies.give(body);
        }
    }

    private PushResult push(Push push, PushBody body) throws IngestException, IOException {
        body.reset();
        Labels key = push.group();
        boolean checked = groups.options().consistencyCheck();
        boolean textPush = false;
        try {
            try {
                if (ExpositionFormat.forPush(push.contentType()) == ExpositionFormat.PROTOBUF_DELIMITED) {
                    protoParsers.get().parse(push.body(), 0, push.length(), body);
                } else {
                    // The group's own cache: its series come in the same order every push.
                    textPush = true;
                    try (PushGroups.ParseLease lease = groups.parseLease(key)) {
                        textParsers.get().parse(push.body(), 0, push.length(), body, lease.cache());
                    }
                }
            } catch (ExpositionException | PushBody.LimitException e) {
                throw new IngestException.BadInput("body", e.getMessage());
            }
            try {
                groups.push(key, push.method() == Method.PUT, body);
            } catch (PushException e) {
                if (checked || !e.recordedAsFailure()) {
                    throw e.recordedAsFailure() ? new IngestException.Conflict(e.getMessage()) : new IngestException.Refused(e.getMessage());
                }
                // Unchecked pushes are answered before they are applied there, so a refusal is only seen in push_failure_time_seconds.
            }
        } finally {
            if (textPush) {
                groups.releaseParseCacheIfNoGroup(key);
            }
        }
        return checked ? PushResult.APPLIED : PushResult.ACCEPTED;
    }

    @Override
    public void checkRemoteWrite(String contentType, String contentEncoding, String version) throws IngestException {
        RemoteWriteAppender.check(contentType, contentEncoding, version);
    }

    @Override
    public Stored remoteWrite(byte[] body, int length) throws IngestException, IOException {
        // A snappy block declares its decoded length up front: a bomb is refused by that number,
        // before anything is allocated for it (Prometheus 2.42 allocates it, to ~4 GiB).
        long max = groups.options().maxBodyBytes();
        long declared = RemoteWriteDecoder.declaredLength(body, 0, length);
        if (max > 0 && declared > max) {
            throw new IngestException.TooLarge(max, "remote write: decompressed body of " + declared
                    + " bytes exceeds the limit of " + max + " bytes (--push.max-body-size)");
        }
        return new Stored(remoteWrite.append(body, length));
    }

    @Override
    public Stored importText(InputStream in, String contentType, String contentEncoding, List<String> extraLabels, long maxBodyBytes)
            throws IngestException, IOException {
        return new Stored(importer.importBody(in, contentType, contentEncoding, extraLabels, maxBodyBytes));
    }

    @Override
    public List<GroupView> groups() {
        return groups.groups();
    }

    @Override
    public int wipe() throws IOException {
        return groups.wipe();
    }

    @Override
    public PushOptions options() {
        return groups.options();
    }

    @Override
    public String stateWarning() {
        return groups.stateWarning();
    }

    @Override
    public void close() throws IOException {
        groups.close();
    }
}
