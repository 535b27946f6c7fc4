package striate.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * A resumable snapshot of training: model name and configuration, the run's settings (its command-line options,
 * so a resumed run can be checked against them), epoch, global step, RNG states, the history, the model's tensors
 * (parameters and buffers by dotted name), the optimizer's tensors and the trainer's scalars (step counts,
 * learning rate, the run's first loss), and the model's vocabularies: named lists of strings its ids stand for (a
 * tagger's words and tags), so a checkpoint alone can turn text into ids and ids into tags.
 *
 * <p>File format, version {@value #FORMAT_VERSION}, big-endian:
 * <pre>
 * magic "STRIATCK" (8 bytes) | format version (int) | payload length L (long) | payload (L bytes) | CRC32 of payload (long)
 * payload: modelName, modelConfig (strings: int byte count + UTF-8), settings (int count; name, value strings),
 *          epoch (int), globalStep (long),
 *          rng states (int count; name, long), history (int count; int epoch, 7 doubles as in EpochStats),
 *          model tensors, optimizer tensors (int count; name, dtype name, int rank, long dims, row-major data
 *          as int / float / double), optimizer scalars (int count; name, 'L' long | 'D' double),
 *          vocabularies (int count; name, int size, that many strings)
 * </pre>
 * Version 2 is the same without vocabularies, version 1 also without settings; {@link #load} reads them with empty
 * ones.
 * {@link #save} replaces the destination atomically ({@link AtomicFile}); {@link #load} checks magic, version,
 * length and checksum before it parses anything, and returns tensors on the reference (host) device.
 */
public final class Checkpoint {
    public static final int FORMAT_VERSION = 3;
    /** The first version that records the run's settings. */
    private static final int SETTINGS_VERSION = 2;
    /** The first version that holds vocabularies. */
    private static final int VOCABULARIES_VERSION = 3;
    private static final byte[] MAGIC = "STRIATCK".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = MAGIC.length + Integer.BYTES + Long.BYTES;
    private static final int TRAILER_BYTES = Long.BYTES;
    private static final int CHUNK = 1 << 16;
    private static final int MAX_PROBLEMS_SHOWN = 10;

    private final String modelName;
    private final String modelConfig;
    private final Map<String, String> settings;
    private final int epoch;
    private final long globalStep;
    private final Map<String, Long> rngStates;
    private final List<EpochStats> history;
    private final Map<String, Tensor> model;
    private final Map<String, Tensor> optimizer;
    private final Map<String, Number> optimizerScalars;
    private final Map<String, List<String>> vocabularies;
    private final Path source;

    /** A checkpoint without recorded settings (of a model trained outside a command-line run). */
    public Checkpoint(String modelName, String modelConfig, int epoch, long globalStep, Map<String, Long> rngStates,
            List<EpochStats> history, Map<String, Tensor> model, Map<String, Tensor> optimizer,
            Map<String, Number> optimizerScalars) {
        this(modelName, modelConfig, Map.of(), epoch, globalStep, rngStates, history, model, optimizer,
                optimizerScalars, Map.of(), null);
    }

    /**
     * A checkpoint of these values. {@code settings} are the run's options by name (e.g. "--seed" → "42"). Maps
     * keep their iteration order; tensors are kept by reference, so save before the next training step changes
     * them. {@code optimizerScalars} values must be Long or Double.
     */
    public Checkpoint(String modelName, String modelConfig, Map<String, String> settings, int epoch,
            long globalStep, Map<String, Long> rngStates, List<EpochStats> history, Map<String, Tensor> model,
            Map<String, Tensor> optimizer, Map<String, Number> optimizerScalars) {
        this(modelName, modelConfig, settings, epoch, globalStep, rngStates, history, model, optimizer,
                optimizerScalars, Map.of(), null);
    }

    /**
     * A checkpoint with vocabularies: lists of strings by name (e.g. "words" and "tags" of a tagger, each list
     * indexed by id), kept in their order.
     */
    public Checkpoint(String modelName, String modelConfig, Map<String, String> settings, int epoch,
            long globalStep, Map<String, Long> rngStates, List<EpochStats> history, Map<String, Tensor> model,
            Map<String, Tensor> optimizer, Map<String, Number> optimizerScalars,
            Map<String, List<String>> vocabularies) {
        this(modelName, modelConfig, settings, epoch, globalStep, rngStates, history, model, optimizer,
                optimizerScalars, vocabularies, null);
    }

    private Checkpoint(String modelName, String modelConfig, Map<String, String> settings, int epoch,
            long globalStep, Map<String, Long> rngStates, List<EpochStats> history, Map<String, Tensor> model,
            Map<String, Tensor> optimizer, Map<String, Number> optimizerScalars,
            Map<String, List<String>> vocabularies, Path source) {
        if (modelName == null || modelName.isBlank()) {
            throw new IllegalArgumentException("a checkpoint needs a model name");
        }
        if (epoch < 0 || globalStep < 0) {
            throw new IllegalArgumentException("epoch and global step must be >= 0, got " + epoch + " and "
                    + globalStep);
        }
        optimizerScalars.forEach((name, v) -> {
            if (!(v instanceof Long) && !(v instanceof Double)) {
                throw new IllegalArgumentException("optimizer scalar '" + name + "' is a "
                        + (v == null ? "null" : v.getClass().getSimpleName()) + "; use Long or Double");
            }
        });
        this.modelName = modelName;
        this.modelConfig = modelConfig == null ? "" : modelConfig;
        this.settings = frozen(settings, "settings");
        this.epoch = epoch;
        this.globalStep = globalStep;
        this.rngStates = frozen(rngStates, "RNG states");
        for (int i = 1; i < history.size(); i++) {
            History.checkOrder(history.get(i - 1), history.get(i));
        }
        this.history = List.copyOf(history);
        this.model = frozen(model, "model tensors");
        this.optimizer = frozen(optimizer, "optimizer tensors");
        this.optimizerScalars = frozen(optimizerScalars, "optimizer scalars");
        Map<String, List<String>> lists = new LinkedHashMap<>();
        frozen(vocabularies, "vocabularies").forEach((name, list) -> lists.put(name, List.copyOf(list)));
        this.vocabularies = Collections.unmodifiableMap(lists);
        this.source = source;
    }

    private static <V> Map<String, V> frozen(Map<String, V> m, String what) {
        m.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("null name or value among the " + what);
            }
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** Every parameter and buffer of {@code module} by dotted name (detached views of the live tensors). */
    public static Map<String, Tensor> stateOf(Module module) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        module.namedParameters().forEach((name, p) -> state.put(name, p.value().detach()));
        module.namedBuffers().forEach((name, b) -> {
            if (state.putIfAbsent(name, b) != null) {
                throw new IllegalStateException("'" + name + "' is both a parameter and a buffer of " + module);
            }
        });
        return state;
    }

    public String modelName() {
        return modelName;
    }

    public String modelConfig() {
        return modelConfig;
    }

    /**
     * The settings of the run that wrote this checkpoint, by option name, in the order they were recorded; empty
     * for a checkpoint of format version 1 or one made without them.
     */
    public Map<String, String> settings() {
        return settings;
    }

    /** Epochs completed when this checkpoint was taken. */
    public int epoch() {
        return epoch;
    }

    /** Optimizer steps taken so far. */
    public long globalStep() {
        return globalStep;
    }

    public Map<String, Long> rngStates() {
        return rngStates;
    }

    public List<EpochStats> history() {
        return history;
    }

    public Map<String, Tensor> model() {
        return model;
    }

    public Map<String, Tensor> optimizer() {
        return optimizer;
    }

    public Map<String, Number> optimizerScalars() {
        return optimizerScalars;
    }

    /** The vocabularies by name, each a list indexed by id; empty for checkpoints of format 1 and 2. */
    public Map<String, List<String>> vocabularies() {
        return vocabularies;
    }

    /** The vocabulary {@code name}, or an error naming the file, the list and what the checkpoint holds. */
    public List<String> vocabulary(String name) throws CheckpointException {
        List<String> list = vocabularies.get(name);
        if (list == null) {
            throw new CheckpointException(source, "holds no vocabulary '" + name + "' (it has "
                    + (vocabularies.isEmpty() ? "none" : vocabularies.keySet()) + "); it was not written by a run that "
                    + "records one");
        }
        return list;
    }

    /** This checkpoint if it belongs to model {@code expected}, else an error naming both models. */
    public Checkpoint requireModel(String expected) throws CheckpointException {
        if (!modelName.equals(expected)) {
            throw new CheckpointException(source, "is a checkpoint of model '" + modelName + "'"
                    + (modelConfig.isEmpty() ? "" : " (" + modelConfig + ")") + ", expected model '" + expected
                    + "'; pick a checkpoint of " + expected);
        }
        return this;
    }

    /**
     * Copies the model tensors into {@code module}'s parameters ({@link Parameter#set}) and buffers
     * ({@link Module#loadBuffer}). Every name, shape and dtype is checked first ({@link #requireFits}): on a
     * missing, extra or mismatched tensor nothing is changed and the error lists the problems.
     */
    public void restoreInto(Module module) throws CheckpointException {
        requireFits(module);
        Map<String, Parameter> params = module.namedParameters();
        params.forEach((name, p) -> p.set(model.get(name)));
        module.namedBuffers().keySet().forEach(name -> module.loadBuffer(name, model.get(name)));
    }

    /**
     * Checks that the model tensors fit {@code module}: the same parameter and buffer names, shapes and dtypes, nothing
     * missing and nothing extra; the error lists the problems. Changes nothing.
     */
    private void requireFits(Module module) throws CheckpointException {
        Map<String, Parameter> params = module.namedParameters();
        Map<String, Tensor> buffers = module.namedBuffers();
        List<String> problems = new ArrayList<>();
        params.forEach((name, p) -> check("parameter", name, p.value(), problems));
        buffers.forEach((name, b) -> check("buffer", name, b, problems));
        for (String name : model.keySet()) {
            if (!params.containsKey(name) && !buffers.containsKey(name)) {
                problems.add("'" + name + "' " + model.get(name).shape() + " is in the checkpoint but not in the model");
            }
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), MAX_PROBLEMS_SHOWN);
            String more = problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : "";
            throw new CheckpointException(source, "does not fit " + module + ": "
                    + String.join("; ", problems.subList(0, shown)) + more + ". The model was left unchanged.");
        }
    }

    private void check(String kind, String name, Tensor inModel, List<String> problems) {
        Tensor saved = model.get(name);
        if (saved == null) {
            problems.add(kind + " '" + name + "' " + inModel.shape() + " is missing from the checkpoint");
        } else if (!saved.shape().equals(inModel.shape())) {
            problems.add(kind + " '" + name + "' has shape " + inModel.shape() + " in the model but " + saved.shape()
                    + " in the checkpoint");
        } else if (saved.dtype() != inModel.dtype()) {
            problems.add(kind + " '" + name + "' is " + inModel.dtype() + " in the model but " + saved.dtype()
                    + " in the checkpoint");
        }
    }

    // ---- writing -----------------------------------------------------------------------------------------

    /** Writes this checkpoint to {@code file} atomically; on failure an existing file there is left as it was. */
    public void save(Path file) throws IOException {
        AtomicFile.write(file, channel -> {
            BufferedOutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), CHUNK);
            DataOutputStream header = new DataOutputStream(buffered);
            header.write(MAGIC);
            header.writeInt(FORMAT_VERSION);
            header.writeLong(0); // payload length, patched below
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(buffered, crc));
            writePayload(out, file);
            out.flush();
            long length = channel.position() - HEADER_BYTES;
            header.writeLong(crc.getValue());
            header.flush();
            ByteBuffer len = ByteBuffer.allocate(Long.BYTES).putLong(length).flip();
            while (len.hasRemaining()) {
                channel.write(len, MAGIC.length + Integer.BYTES + len.position());
            }
        });
    }

    private void writePayload(DataOutputStream out, Path file) throws IOException {
        writeString(out, modelName);
        writeString(out, modelConfig);
        out.writeInt(settings.size());
        for (Map.Entry<String, String> e : settings.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
        out.writeInt(epoch);
        out.writeLong(globalStep);
        out.writeInt(rngStates.size());
        for (Map.Entry<String, Long> e : rngStates.entrySet()) {
            writeString(out, e.getKey());
            out.writeLong(e.getValue());
        }
        out.writeInt(history.size());
        for (EpochStats s : history) {
            out.writeInt(s.epoch());
            for (double v : new double[] {s.trainLoss(), s.trainMetric(), s.valLoss(), s.valMetric(),
                    s.learningRate(), s.seconds(), s.samplesPerSecond()}) {
                out.writeDouble(v);
            }
        }
        writeTensors(out, model, file);
        writeTensors(out, optimizer, file);
        out.writeInt(optimizerScalars.size());
        for (Map.Entry<String, Number> e : optimizerScalars.entrySet()) {
            writeString(out, e.getKey());
            if (e.getValue() instanceof Long l) {
                out.writeByte('L');
                out.writeLong(l);
            } else {
                out.writeByte('D');
                out.writeDouble(e.getValue().doubleValue());
            }
        }
        out.writeInt(vocabularies.size());
        for (Map.Entry<String, List<String>> e : vocabularies.entrySet()) {
            writeString(out, e.getKey());
            out.writeInt(e.getValue().size());
            for (String token : e.getValue()) {
                writeString(out, token);
            }
        }
    }

    private static void writeTensors(DataOutputStream out, Map<String, Tensor> tensors, Path file) throws IOException {
        out.writeInt(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            MemorySegment values = Arena.ofAuto().allocate(t.size() * t.dtype().bytes(), 8);
            try {
                t.copyTo(values); // the tensor's bytes, by the backends' copy primitive
            } catch (RuntimeException ex) {
                throw new CheckpointException(file, "could not read tensor '" + e.getKey() + "' " + t.shape()
                        + " to save it: " + ex.getMessage(), ex);
            }
            writeString(out, e.getKey());
            writeString(out, t.dtype().name());
            out.writeInt(t.rank());
            for (long d : t.shape().dims()) {
                out.writeLong(d);
            }
            writeValues(out, t.dtype(), values);
        }
    }

    /** Writes a tensor's bytes (native order) as the format's big-endian values. */
    private static void writeValues(DataOutputStream out, DType dtype, MemorySegment values) throws IOException {
        ValueLayout layout = switch (dtype) {
            case F32 -> ValueLayout.JAVA_FLOAT_UNALIGNED;
            case F64 -> ValueLayout.JAVA_DOUBLE_UNALIGNED;
            case I32 -> ValueLayout.JAVA_INT_UNALIGNED;
            case BF16, F16 -> ValueLayout.JAVA_SHORT_UNALIGNED;
        };
        byte[] buffer = new byte[CHUNK];
        long per = CHUNK / dtype.bytes();
        long n = values.byteSize() / dtype.bytes();
        for (long from = 0; from < n; from += per) {
            long k = Math.min(per, n - from);
            MemorySegment.copy(values, layout, from * dtype.bytes(), MemorySegment.ofArray(buffer),
                    layout.withOrder(ByteOrder.BIG_ENDIAN), 0, k);
            out.write(buffer, 0, (int) (k * dtype.bytes()));
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    // ---- reading -----------------------------------------------------------------------------------------

    /**
     * Reads a checkpoint written by {@link #save}. Tensors come back on the reference device. A file that is not
     * a checkpoint, of another format version, truncated, corrupt or malformed is a {@link CheckpointException}.
     */
    public static Checkpoint load(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new CheckpointException(file, "no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "is not a file; expected a Striate checkpoint");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            Header header = readHeader(channel, file, size);
            verifyChecksum(channel, file, header.length());
            channel.position(HEADER_BYTES);
            Payload in = new Payload(new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel),
                    CHUNK)), header.length(), file);
            try {
                Checkpoint c = readPayload(in, header.version(), file);
                if (in.remaining != 0) {
                    throw in.malformed(in.remaining + " bytes left over after the last section");
                }
                return c;
            } catch (EOFException e) {
                throw in.malformed("a section runs past the end of the payload");
            } catch (IllegalArgumentException e) {
                throw in.malformed(e.getMessage());
            }
        }
    }

    /** What the header says: the format version and the payload's length in bytes. */
    private record Header(int version, long length) {
    }

    /** Checks magic, version and length against the file size. */
    private static Header readHeader(FileChannel channel, Path file, long size) throws IOException {
        if (size == 0) {
            throw new CheckpointException(file, "is empty (0 bytes); expected a Striate checkpoint");
        }
        ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES);
        readAt(channel, head, 0);
        byte[] start = Arrays.copyOf(head.array(), Math.min(head.position(), MAGIC.length));
        if (!Arrays.equals(start, Arrays.copyOf(MAGIC, start.length))) {
            throw new CheckpointException(file, "not a Striate checkpoint: it starts with bytes "
                    + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(start) + ", a checkpoint starts with \""
                    + new String(MAGIC, StandardCharsets.US_ASCII) + "\"");
        }
        if (size < HEADER_BYTES) {
            throw new CheckpointException(file, "truncated: only " + size + " bytes, shorter than the "
                    + HEADER_BYTES + "-byte header");
        }
        head.flip().position(MAGIC.length);
        int version = head.getInt();
        if (version < 1 || version > FORMAT_VERSION) {
            throw new CheckpointException(file, "unsupported checkpoint format version " + version
                    + "; this Striate reads versions 1 to " + FORMAT_VERSION
                    + (version > FORMAT_VERSION ? " (the file was written by a newer Striate)" : ""));
        }
        long length = head.getLong();
        long expected = HEADER_BYTES + length + TRAILER_BYTES;
        if (length < 0 || size < expected) {
            throw new CheckpointException(file, "truncated or corrupt: the file has " + size + " bytes, its header "
                    + "announces " + (length < 0 ? "a negative length" : expected + " bytes")
                    + "; the save or copy that made it did not finish. Use another checkpoint.");
        }
        if (size > expected) {
            throw new CheckpointException(file, "corrupt: " + (size - expected) + " unexpected bytes after the end "
                    + "announced by its header (" + expected + " bytes)");
        }
        return new Header(version, length);
    }

    private static void verifyChecksum(FileChannel channel, Path file, long length) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long position = HEADER_BYTES;
        long end = HEADER_BYTES + length;
        while (position < end) {
            buffer.clear().limit((int) Math.min(CHUNK, end - position));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new CheckpointException(file, "truncated while reading: the file shrank during loading");
            }
            position += n;
            crc.update(buffer.flip());
        }
        ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES);
        readAt(channel, trailer, end);
        long stored = trailer.flip().getLong();
        if (stored != crc.getValue()) {
            throw new CheckpointException(file, String.format("corrupt: checksum mismatch (stored %08x, computed "
                    + "%08x); the file was damaged after it was written. Use another checkpoint.", stored,
                    crc.getValue()));
        }
    }

    /** Fills {@code buffer} from {@code position} on, or as much of it as the file holds. */
    private static void readAt(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        int n;
        while (buffer.hasRemaining() && (n = channel.read(buffer, position)) > 0) {
            position += n;
        }
    }

    private static Checkpoint readPayload(Payload in, int version, Path file) throws IOException {
        String modelName = in.string();
        String modelConfig = in.string();
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = version >= SETTINGS_VERSION ? in.count() : 0; i > 0; i--) {
            String name = in.string();
            if (settings.put(name, in.string()) != null) {
                throw in.malformed("setting '" + name + "' appears twice");
            }
        }
        int epoch = in.count();
        long globalStep = in.readLong();
        Map<String, Long> rng = new LinkedHashMap<>();
        for (int i = in.count(); i > 0; i--) {
            rng.put(in.string(), in.readLong());
        }
        List<EpochStats> history = new ArrayList<>();
        for (int i = in.count(); i > 0; i--) {
            history.add(new EpochStats(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(),
                    in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble()));
        }
        Map<String, Tensor> model = in.tensors();
        Map<String, Tensor> optimizer = in.tensors();
        Map<String, Number> scalars = new LinkedHashMap<>();
        for (int i = in.count(); i > 0; i--) {
            String name = in.string();
            int kind = in.readByte();
            switch (kind) {
                case 'L' -> scalars.put(name, in.readLong());
                case 'D' -> scalars.put(name, in.readDouble());
                default -> throw in.malformed("optimizer scalar '" + name + "' has unknown kind " + kind);
            }
        }
        Map<String, List<String>> vocabularies = new LinkedHashMap<>();
        for (int i = version >= VOCABULARIES_VERSION ? in.count() : 0; i > 0; i--) {
            String name = in.string();
            List<String> tokens = new ArrayList<>();
            for (int k = in.count(); k > 0; k--) {
                tokens.add(in.string());
            }
            if (vocabularies.put(name, tokens) != null) {
                throw in.malformed("vocabulary '" + name + "' appears twice");
            }
        }
        return new Checkpoint(modelName, modelConfig, settings, epoch, globalStep, rng, history, model, optimizer,
                scalars, vocabularies, file);
    }

    /** Reads payload fields, never past the payload's announced length. */
    private static final class Payload {
        private final DataInputStream in;
        private final Path file;
        private long remaining;

        Payload(DataInputStream in, long length, Path file) {
            this.in = in;
            this.remaining = length;
            this.file = file;
        }

        CheckpointException malformed(String problem) {
            return new CheckpointException(file, "malformed checkpoint (checksum correct, content not readable): "
                    + problem);
        }

        private void take(long bytes) throws EOFException {
            if (bytes > remaining) {
                throw new EOFException();
            }
            remaining -= bytes;
        }

        int readInt() throws IOException {
            take(Integer.BYTES);
            return in.readInt();
        }

        long readLong() throws IOException {
            take(Long.BYTES);
            return in.readLong();
        }

        double readDouble() throws IOException {
            take(Double.BYTES);
            return in.readDouble();
        }

        byte readByte() throws IOException {
            take(1);
            return in.readByte();
        }

        /** A non-negative int (a count or an epoch). */
        int count() throws IOException {
            int n = readInt();
            if (n < 0) {
                throw malformed("negative count " + n);
            }
            return n;
        }

        String string() throws IOException {
            int n = count();
            take(n);
            byte[] b = new byte[n];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        Map<String, Tensor> tensors() throws IOException {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (int i = count(); i > 0; i--) {
                String name = string();
                out.put(name, tensor(name));
            }
            return out;
        }

        private Tensor tensor(String name) throws IOException {
            String typeName = string();
            DType dtype;
            try {
                dtype = DType.valueOf(typeName);
            } catch (IllegalArgumentException e) {
                throw malformed("tensor '" + name + "' has unknown dtype '" + typeName + "' (known: "
                        + Arrays.toString(DType.values()) + ")");
            }
            int rank = count();
            take((long) rank * Long.BYTES);
            long[] dims = new long[rank];
            long elements = 1;
            for (int d = 0; d < rank; d++) {
                dims[d] = in.readLong();
                if (dims[d] < 0) {
                    throw malformed("tensor '" + name + "' has negative dimension " + dims[d]);
                }
                elements = dims[d] != 0 && elements > Long.MAX_VALUE / dims[d] ? Long.MAX_VALUE : elements * dims[d];
            }
            if (elements > remaining / dtype.bytes() || elements > Integer.MAX_VALUE) {
                throw malformed("tensor '" + name + "' of shape " + Arrays.toString(dims) + " needs more data than "
                        + "the payload holds");
            }
            int n = (int) elements;
            take((long) n * dtype.bytes());
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            int per = CHUNK / dtype.bytes();
            float[] floats = dtype == DType.F32 ? new float[n] : null;
            double[] doubles = dtype == DType.F64 ? new double[n] : null;
            int[] ints = dtype == DType.I32 ? new int[n] : null;
            short[] halves = dtype.bytes() == Short.BYTES ? new short[n] : null;
            for (int from = 0; from < n; from += per) {
                int to = Math.min(n, from + per);
                buffer.clear().limit((to - from) * dtype.bytes());
                in.readFully(buffer.array(), 0, buffer.limit());
                switch (dtype) {
                    case F32 -> buffer.asFloatBuffer().get(floats, from, to - from);
                    case F64 -> buffer.asDoubleBuffer().get(doubles, from, to - from);
                    case I32 -> buffer.asIntBuffer().get(ints, from, to - from);
                    case BF16, F16 -> buffer.asShortBuffer().get(halves, from, to - from);
                }
            }
            Device host = Device.reference();
            return switch (dtype) {
                case F32 -> rank == 0 ? Tensor.of(host, DType.F32, new double[] {floats[0]})
                        : Tensor.of(host, floats, dims);
                case F64 -> Tensor.of(host, DType.F64, doubles, dims);
                case I32 -> rank == 0 ? Tensor.of(host, DType.I32, new double[] {ints[0]})
                        : Tensor.ofInts(host, ints, dims);
                case BF16, F16 -> Tensor.of(host, dtype, MemorySegment.ofArray(halves), dims);
            };
        }
    }
}
