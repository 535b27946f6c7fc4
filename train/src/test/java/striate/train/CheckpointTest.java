package striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.backend.Backend;
import striate.backend.Traffic;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.Sequential;
import striate.op.KernelTable;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.HostStorage;
import striate.tensor.MemoryStats;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Storage;
import striate.tensor.Tensor;

/** Checkpoint round trips, each way a file can be wrong, restoring into modules, and atomic replacement. */
class CheckpointTest {
    @TempDir
    Path dir;

    private static final Device HOST = Device.reference();

    /** A layer with one parameter and one buffer, like batch-norm's running statistics. */
    static final class Stat extends Module {
        Stat(Tensor scale, Tensor runningMean) {
            registerParameter("scale", scale);
            registerBuffer("running_mean", runningMean);
        }

        Tensor runningMean() {
            return buffer("running_mean");
        }

        @Override
        public Tensor forward(Tensor x) {
            return x;
        }
    }

    private static Sequential net(long seed, long outputs) {
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(2, 3, rng), new Linear(3, outputs, rng));
    }

    private static Checkpoint checkpointOf(String modelName, Map<String, Tensor> model) {
        return new Checkpoint(modelName, "", 1, 10, Map.of(), List.of(), model, Map.of(), Map.of());
    }

    @Test
    void roundTripKeepsEveryFieldAndTensorExactly() throws IOException {
        Map<String, Tensor> model = new LinkedHashMap<>();
        model.put("conv1.weight", Tensor.of(HOST, new float[] {0.1f, -2.5f, Float.MIN_VALUE, 3e38f, -0f, 7}, 2, 3));
        model.put("bn.running_var", Tensor.of(HOST, DType.F64, new double[] {Math.PI, -1e-300, 1e300, 0.1}, 4));
        model.put("bn.num_batches", Tensor.ofInts(HOST, new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, 2, 2));
        model.put("temperature", Tensor.scalar(HOST, DType.F32, 0.25));
        model.put("empty", Tensor.zeros(HOST, DType.F32, 0, 3));
        Map<String, Tensor> optimizer = new LinkedHashMap<>();
        optimizer.put("conv1.weight.m", Tensor.of(HOST, new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        optimizer.put("step", Tensor.scalar(HOST, DType.I32, 41));
        Map<String, Number> scalars = new LinkedHashMap<>();
        scalars.put("step", 938L * 3);
        scalars.put("lr", 0.001);
        Rng shuffle = new Rng(123);
        shuffle.nextLong();
        Map<String, Long> rng = new LinkedHashMap<>();
        rng.put("shuffle", shuffle.state());
        rng.put("dropout", -7L);
        List<EpochStats> history = List.of(new EpochStats(1, 0.61, 0.78, 0.45, 0.84, 0.01, 31.5, 1904.2),
                new EpochStats(2, 0.41, 0.85, Double.NaN, Double.NaN, 0.005, 30.25, 1983));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("--seed", "42");
        settings.put("--data", "/data/fashion mnist/Ünïcode");
        settings.put("--config", "");
        Map<String, List<String>> vocabularies = new LinkedHashMap<>();
        vocabularies.put("words", List.of("<pad>", "<unk>", "the", "Ünïcode", "", "1/2"));
        vocabularies.put("tags", List.of("at", "nn"));
        Checkpoint saved = new Checkpoint("lenet5", "LeNet5(classes=10, act=tanh) — Ünïcode", settings, 2, 938 * 2,
                rng, history, model, optimizer, scalars, vocabularies);

        Path file = dir.resolve("lenet.ckpt");
        saved.save(file);
        Checkpoint loaded = Checkpoint.load(file);

        assertEquals("lenet5", loaded.modelName());
        assertEquals("LeNet5(classes=10, act=tanh) — Ünïcode", loaded.modelConfig());
        assertEquals(List.copyOf(settings.entrySet()), List.copyOf(loaded.settings().entrySet()), "settings in order");
        assertEquals(2, loaded.epoch());
        assertEquals(1876, loaded.globalStep());
        assertEquals(rng, loaded.rngStates());
        assertEquals(shuffle.nextLong(), new Rng(loaded.rngStates().get("shuffle")).nextLong());
        assertEquals(history, loaded.history()); // record equality: NaN equals NaN via Double.compare
        assertEquals(scalars, loaded.optimizerScalars());
        assertEquals(Long.class, loaded.optimizerScalars().get("step").getClass());
        assertEquals(Double.class, loaded.optimizerScalars().get("lr").getClass());
        assertSameTensors(model, loaded.model());
        assertSameTensors(optimizer, loaded.optimizer());
        assertEquals(List.copyOf(vocabularies.entrySet()), List.copyOf(loaded.vocabularies().entrySet()));
        assertEquals(List.of("at", "nn"), loaded.vocabulary("tags"));
        CheckpointException missing = assertThrows(CheckpointException.class, () -> loaded.vocabulary("chars"));
        assertTrue(missing.getMessage().contains(file + ": holds no vocabulary 'chars' (it has [words, tags])"),
                missing.getMessage());
    }

    private static void assertSameTensors(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), "names in order");
        expected.forEach((name, e) -> {
            Tensor a = actual.get(name);
            assertEquals(e.dtype(), a.dtype(), name);
            assertEquals(e.shape(), a.shape(), name);
            assertEquals(HOST, a.device(), name);
            assertArrayEquals(e.toDoubleArray(), a.toDoubleArray(), 0.0, name);
        });
    }

    @Test
    void lowPrecisionTensorsRoundTripBitForBit() throws IOException {
        double[] v = {1.5, -0.30078125, 65504, Double.POSITIVE_INFINITY, 0x1p-24, -0.0};
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("bf16", Tensor.of(HOST, DType.F64, v, 2, 3).to(DType.BF16));
        state.put("f16", Tensor.of(HOST, DType.F64, v, 3, 2).to(DType.F16));
        state.put("f16 scalar", Tensor.scalar(HOST, DType.F16, 0.1));
        Path file = dir.resolve("low.ckpt");
        checkpointOf("net", state).save(file);
        Map<String, Tensor> loaded = Checkpoint.load(file).model();
        assertSameTensors(state, loaded);
        short[] saved = new short[6];
        short[] back = new short[6];
        state.get("bf16").copyTo(java.lang.foreign.MemorySegment.ofArray(saved));
        loaded.get("bf16").copyTo(java.lang.foreign.MemorySegment.ofArray(back));
        assertArrayEquals(saved, back, "the same bits");
    }

    @Test
    void restoreIntoCopiesParametersAndBuffers() throws IOException {
        Sequential trained = net(1, 2);
        Stat stat = new Stat(Tensor.of(HOST, new float[] {2, 3}), Tensor.of(HOST, new float[] {0.5f, -0.5f}));
        trained.add(stat);
        Path file = dir.resolve("net.ckpt");
        checkpointOf("net", Checkpoint.stateOf(trained)).save(file);

        Sequential fresh = net(2, 2);
        Stat freshStat = new Stat(Tensor.zeros(HOST, DType.F32, 2), Tensor.zeros(HOST, DType.F32, 2));
        fresh.add(freshStat);
        assertNotEquals(Arrays.toString(trained.namedParameters().get("0.weight").value().toDoubleArray()),
                Arrays.toString(fresh.namedParameters().get("0.weight").value().toDoubleArray()));

        Checkpoint.load(file).requireModel("net").restoreInto(fresh);
        trained.namedParameters().forEach((name, p) -> assertArrayEquals(p.value().toDoubleArray(),
                fresh.namedParameters().get(name).value().toDoubleArray(), 0.0, name));
        assertArrayEquals(new double[] {0.5, -0.5}, freshStat.runningMean().toDoubleArray());
        assertTrue(fresh.namedParameters().get("2.scale").value().requiresGrad(), "still a trainable leaf");
    }

    @Test
    void wrongShapeNamesBothShapesAndLeavesTheModuleUntouched() throws IOException {
        Path file = dir.resolve("net.ckpt");
        checkpointOf("net", Checkpoint.stateOf(net(1, 1))).save(file);
        Sequential other = net(2, 2); // second layer: 2 outputs instead of 1
        double[] before = other.namedParameters().get("0.weight").value().toDoubleArray();

        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoint.load(file).restoreInto(other));
        String m = e.getMessage();
        assertTrue(m.contains("'1.weight' has shape [2, 3] in the model but [1, 3] in the checkpoint"), m);
        assertTrue(m.contains("'1.bias' has shape [2] in the model but [1] in the checkpoint"), m);
        assertTrue(m.contains(file.toString()), m);
        assertTrue(m.contains("left unchanged"), m);
        assertArrayEquals(before, other.namedParameters().get("0.weight").value().toDoubleArray(), 0.0,
                "the layer that would fit is not restored either");
    }

    @Test
    void missingAndExtraTensorsAreNamed() {
        Map<String, Tensor> state = new LinkedHashMap<>(Checkpoint.stateOf(net(1, 1)));
        state.remove("1.bias");
        state.put("2.weight", Tensor.zeros(HOST, DType.F32, 4));
        state.put("0.bias", Tensor.zeros(HOST, DType.F64, 3));
        Sequential target = net(2, 1);
        double[] before = target.namedParameters().get("0.weight").value().toDoubleArray();
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> checkpointOf("net", state).restoreInto(target));
        String m = e.getMessage();
        assertTrue(m.contains("parameter '1.bias' [1] is missing from the checkpoint"), m);
        assertTrue(m.contains("'2.weight' [4] is in the checkpoint but not in the model"), m);
        assertTrue(m.contains("parameter '0.bias' is float32 in the model but float64 in the checkpoint"), m);
        assertArrayEquals(before, target.namedParameters().get("0.weight").value().toDoubleArray(), 0.0);
    }

    @Test
    void checkpointOfAnotherModelNamesBoth() throws IOException {
        Path file = dir.resolve("m.ckpt");
        new Checkpoint("alexnet", "AlexNet(classes=1000)", 3, 5, Map.of(), List.of(), Map.of(), Map.of(), Map.of())
                .save(file);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoint.load(file).requireModel("lenet5"));
        assertTrue(e.getMessage().contains("checkpoint of model 'alexnet' (AlexNet(classes=1000)), expected model "
                + "'lenet5'"), e.getMessage());
        assertEquals(file, e.file());
    }

    private Path savedCheckpoint() throws IOException {
        Path file = dir.resolve("c.ckpt");
        checkpointOf("net", Checkpoint.stateOf(net(1, 2))).save(file);
        return file;
    }

    @Test
    void aFlippedByteIsAChecksumError() throws IOException {
        Path file = savedCheckpoint();
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 0x10; // inside the tensor data
        Files.write(file, b);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().startsWith(file + ": corrupt: checksum mismatch"), e.getMessage());
    }

    @Test
    void aFlippedChecksumIsAChecksumErrorToo() throws IOException {
        Path file = savedCheckpoint();
        byte[] b = Files.readAllBytes(file);
        b[b.length - 1] ^= 0x01;
        Files.write(file, b);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void truncatedFilesAreReportedAsTruncated() throws IOException {
        Path file = savedCheckpoint();
        byte[] b = Files.readAllBytes(file);
        for (int keep : new int[] {b.length - 10, 30, 14, 5}) {
            Files.write(file, Arrays.copyOf(b, keep));
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
            assertTrue(e.getMessage().contains("truncated"), keep + " bytes: " + e.getMessage());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
        Files.write(file, new byte[0]);
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(file)).getMessage()
                .contains("is empty"));
    }

    @Test
    void trailingBytesAreCorruption() throws IOException {
        Path file = savedCheckpoint();
        Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("3 unexpected bytes after the end"), e.getMessage());
    }

    @Test
    void wrongMagicIsNotACheckpoint() throws IOException {
        Path file = dir.resolve("weights.pt");
        Files.write(file, "PK\3\4 this is a zip archive, not ours".getBytes(StandardCharsets.US_ASCII));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("not a Striate checkpoint: it starts with bytes 50 4B 03 04"),
                e.getMessage());
    }

    @Test
    void anotherFormatVersionIsRefused() throws IOException {
        Path file = savedCheckpoint();
        byte[] b = Files.readAllBytes(file);
        ByteBuffer.wrap(b).putInt(8, Checkpoint.FORMAT_VERSION + 1);
        Files.write(file, b);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("unsupported checkpoint format version 4; this Striate reads versions 1 "
                + "to 3 (the file was written by a newer Striate)"), e.getMessage());
        ByteBuffer.wrap(b).putInt(8, 0);
        Files.write(file, b);
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(file)).getMessage()
                .contains("unsupported checkpoint format version 0"));
    }

    /**
     * A version-1 file, as Striate wrote it before runs recorded their settings: the version-3 bytes of a checkpoint
     * without settings and vocabularies, less the settings count after the two strings and the vocabularies count at
     * the end, with version, length and checksum to match.
     */
    @Test
    void aVersionOneCheckpointLoadsWithoutSettings() throws IOException {
        Map<String, Tensor> state = Checkpoint.stateOf(net(1, 2));
        Path file = dir.resolve("v1.ckpt");
        new Checkpoint("net", "cfg", 4, 40, Map.of("shuffle", 9L), List.of(), state, Map.of(), Map.of("lr", 0.5))
                .save(file);
        ByteBuffer v3 = ByteBuffer.wrap(Files.readAllBytes(file));
        int header = 8 + 4 + 8;
        int strings = header + 4 + "net".length() + 4 + "cfg".length();
        assertEquals(0, v3.getInt(strings), "no settings");
        int payload = (int) v3.getLong(12) - 4 - 4;
        ByteBuffer v1 = ByteBuffer.allocate(header + payload + 8);
        v1.put(v3.array(), 0, 8).putInt(1).putLong(payload);
        v1.put(v3.array(), header, strings - header).put(v3.array(), strings + 4, payload - (strings - header));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(v1.array(), header, payload);
        v1.putLong(crc.getValue());
        Files.write(file, v1.array());

        Checkpoint c = Checkpoint.load(file);
        assertEquals(Map.of(), c.settings());
        assertEquals(Map.of(), c.vocabularies());
        assertEquals("cfg", c.modelConfig());
        assertEquals(4, c.epoch());
        assertEquals(Map.of("shuffle", 9L), c.rngStates());
        assertEquals(Map.of("lr", 0.5), c.optimizerScalars());
        assertSameTensors(state, c.model());
    }

    /** A version-2 file: the version-3 bytes less the vocabularies count at the end of the payload. */
    @Test
    void aVersionTwoCheckpointLoadsWithoutVocabularies() throws IOException {
        Path file = dir.resolve("v2.ckpt");
        new Checkpoint("net", "cfg", Map.of("--seed", "3"), 4, 40, Map.of(), List.of(), Map.of(), Map.of(),
                Map.of("lr", 0.5)).save(file);
        ByteBuffer v3 = ByteBuffer.wrap(Files.readAllBytes(file));
        int header = 8 + 4 + 8;
        int payload = (int) v3.getLong(12) - 4;
        assertEquals(0, v3.getInt(header + payload), "no vocabularies");
        ByteBuffer v2 = ByteBuffer.allocate(header + payload + 8);
        v2.put(v3.array(), 0, 8).putInt(2).putLong(payload).put(v3.array(), header, payload);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(v2.array(), header, payload);
        v2.putLong(crc.getValue());
        Files.write(file, v2.array());

        Checkpoint c = Checkpoint.load(file);
        assertEquals(Map.of("--seed", "3"), c.settings());
        assertEquals(Map.of(), c.vocabularies());
        assertEquals(Map.of("lr", 0.5), c.optimizerScalars());
    }

    @Test
    void aSettingTwiceIsMalformed() throws IOException {
        Path file = dir.resolve("twice.ckpt");
        new Checkpoint("net", "", Map.of("--seed", "1"), 1, 1, Map.of(), List.of(), Map.of(), Map.of(), Map.of())
                .save(file);
        byte[] b = Files.readAllBytes(file);
        // payload: "net", "", settings count 1, "--seed", "1", ...: make it count 2 and repeat the pair
        int count = 20 + 4 + 3 + 4;
        byte[] pair = Arrays.copyOfRange(b, count + 4, count + 4 + 4 + 6 + 4 + 1);
        ByteBuffer patched = ByteBuffer.allocate(b.length + pair.length);
        patched.put(b, 0, count).putInt(2).put(pair).put(b, count + 4, b.length - count - 4 - 8);
        int payload = patched.position() - 20;
        patched.putLong(12, payload);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(patched.array(), 20, payload);
        patched.putLong(crc.getValue());
        Files.write(file, patched.array());
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("setting '--seed' appears twice"), e.getMessage());
    }

    @Test
    void missingFileIsACheckpointError() {
        Path file = dir.resolve("nope.ckpt");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.load(file)).getMessage()
                .contains("no such file"));
    }

    @Test
    void saveReplacesAnOlderCheckpoint() throws IOException {
        Path file = savedCheckpoint();
        new Checkpoint("net", "", 7, 70, Map.of(), List.of(), Checkpoint.stateOf(net(3, 2)), Map.of(), Map.of())
                .save(file);
        assertEquals(7, Checkpoint.load(file).epoch());
        assertEquals(List.of(file), listing());
    }

    /** A device whose memory cannot be read back, like a GPU after a fault. */
    private static final class BrokenBackend implements Backend {
        @Override
        public Device device() {
            return Device.cuda(3);
        }

        @Override
        public String name() {
            return "broken";
        }

        @Override
        public KernelTable kernels() {
            return KernelTable.builder("broken").build();
        }

        @Override
        public Storage allocate(DType dtype, long elements) {
            return HostStorage.allocate(dtype, elements);
        }

        @Override
        public void copy(Tensor src, Tensor dst) {
            throw new IllegalStateException("device lost");
        }

        @Override
        public Traffic traffic() {
            return Traffic.NONE;
        }

        @Override
        public MemoryStats memoryStats() {
            return new MemoryStats(0, 0, 0, 0, 0);
        }
    }

    @Test
    void aFailedSaveLeavesTheOldCheckpointAndNoTemporaryFile() throws IOException {
        Path file = savedCheckpoint();
        byte[] before = Files.readAllBytes(file);
        Map<String, Tensor> model = new LinkedHashMap<>(Checkpoint.stateOf(net(5, 2)));
        model.put("z.unreadable", Tensor.empty(new BrokenBackend(), Shape.of(2, 2), DType.F32));
        Checkpoint failing = checkpointOf("net", model);

        CheckpointException e = assertThrows(CheckpointException.class, () -> failing.save(file));
        assertTrue(e.getMessage().contains("could not read tensor 'z.unreadable' [2, 2] to save it: device lost"),
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of(file), listing(), "no temporary file left behind");
        Checkpoint.load(file);
    }

    @Test
    void saveIntoAMissingFolderFailsWithoutCreatingAnything() {
        Path file = dir.resolve("missing").resolve("c.ckpt");
        assertThrows(IOException.class, () -> checkpointOf("net", Map.of()).save(file));
        assertTrue(Files.notExists(file.getParent()));
    }

    @Test
    void optimizerScalarsMustBeLongOrDouble() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint("net", "", 0, 0, Map.of(), List.of(), Map.of(), Map.of(), Map.of("step", 3)));
        assertTrue(e.getMessage().contains("'step' is a Integer"), e.getMessage());
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
