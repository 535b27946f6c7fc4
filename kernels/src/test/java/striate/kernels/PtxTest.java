package striate.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed PTX matches its CUDA sources: each {@code <name>.ptx.sha256} records the sha256 of
 * {@code <name>.cu} followed by {@code striate.cuh}, recomputed here; a mismatch means the PTX is stale
 * (rebuild with {@code kernels/build-ptx.sh} where nvcc is installed and commit it). Runs without a GPU.
 */
class PtxTest {
    private static final Path CUDA = Path.of("src/main/cuda");
    private static final Path RESOURCES = Path.of("src/main/resources/striate/kernels");

    @Test
    void everyCudaSourceIsAModuleAndEveryModuleHasASource() throws IOException {
        List<String> sources;
        try (Stream<Path> files = Files.list(CUDA)) {
            sources = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu"))
                    .map(n -> n.substring(0, n.length() - 3)).sorted().toList();
        }
        assertEquals(Ptx.MODULES.stream().sorted().toList(), sources);
    }

    @Test
    void committedPtxIsBuiltFromTheCurrentSources() throws Exception {
        for (String name : Ptx.MODULES) {
            String record = Files.readString(RESOURCES.resolve(name + ".ptx.sha256")).trim();
            String want = sha256(Files.readAllBytes(CUDA.resolve(name + ".cu")), Files.readAllBytes(CUDA.resolve("striate.cuh")));
            assertEquals(want, record.split("\\s+")[0], name + ".ptx is stale: its .cu or striate.cuh changed since it"
                    + " was built; run kernels/build-ptx.sh (needs nvcc) and commit the PTX");
        }
    }

    @Test
    void everyKernelFollowsTheNamingScheme() {
        Map<String, String> symbols = Ptx.symbols();
        assertTrue(symbols.size() > 40, "kernels found: " + symbols.keySet());
        for (String s : symbols.keySet()) {
            assertTrue(s.matches("[a-z0-9_]+_(forward|backward|update)_(f32|f64|i32|bf16|f16)(_(f32|f64|i32|bf16|f16))?"), s);
        }
        assertEquals("elementwise", symbols.get("relu_forward_f32"));
        assertEquals("optim", symbols.get("adam_update_f32"));
    }

    @Test
    void entriesAreReadFromPtxText() {
        String ptx = ".visible .entry add_forward_f32(\n.param .u64 a\n)\n.visible .entry sum_forward_f32 (";
        assertEquals(List.of("add_forward_f32", "sum_forward_f32"), Ptx.entries(ptx));
    }

    private static String sha256(byte[]... parts) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            md.update(p);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
