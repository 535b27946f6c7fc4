package striate.cuda;

import static jcuda.jcudnn.cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_DOWN_CONVERT_INPUTS;
import static jcuda.jcudnn.cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_FFT;
import static jcuda.jcudnn.cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_NONDETERMINISTIC;
import static jcuda.jcudnn.cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_REDUCED_PRECISION_REDUCTION;
import static jcuda.jcudnn.cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_TENSOR_CORE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.tensor.DType;

/**
 * What the graph API's engine choice decides without a GPU: which numerical notes the options allow (PyTorch's
 * rule), how the trace names them, the alignment cuDNN is told, and the option that selects the interface.
 */
class GraphConvolutionCallsTest {
    private static final int[] NONE = {};

    @Test
    void strictFloat32RefusesTensorCoresAndTf32AllowsThem() {
        int[] tensorCore = {CUDNN_NUMERICAL_NOTE_TENSOR_CORE};
        assertFalse(GraphConvolutionCalls.usable(tensorCore, DType.F32, false, false));
        assertTrue(GraphConvolutionCalls.usable(tensorCore, DType.F32, true, false));
        assertTrue(GraphConvolutionCalls.usable(NONE, DType.F32, false, false));
        // 2-byte types are meant for tensor cores whatever the TF32 switch says
        assertTrue(GraphConvolutionCalls.usable(tensorCore, DType.BF16, false, false));
        assertTrue(GraphConvolutionCalls.usable(tensorCore, DType.F16, false, false));
    }

    @Test
    void anEngineThatNarrowsItsInputsIsNeverUsed() {
        int[] narrows = {CUDNN_NUMERICAL_NOTE_TENSOR_CORE, CUDNN_NUMERICAL_NOTE_DOWN_CONVERT_INPUTS};
        for (DType t : new DType[] {DType.F32, DType.BF16, DType.F16}) {
            assertFalse(GraphConvolutionCalls.usable(narrows, t, true, false), t.toString());
        }
    }

    @Test
    void aTwoByteConvolutionRefusesAReducedPrecisionSum() {
        int[] reduced = {CUDNN_NUMERICAL_NOTE_TENSOR_CORE, CUDNN_NUMERICAL_NOTE_REDUCED_PRECISION_REDUCTION};
        assertFalse(GraphConvolutionCalls.usable(reduced, DType.BF16, false, false));
        assertFalse(GraphConvolutionCalls.usable(reduced, DType.F16, true, false));
        assertTrue(GraphConvolutionCalls.usable(reduced, DType.F32, true, false));
    }

    @Test
    void deterministicModeRefusesNondeterministicEnginesOnly() {
        int[] racy = {CUDNN_NUMERICAL_NOTE_FFT, CUDNN_NUMERICAL_NOTE_NONDETERMINISTIC};
        assertFalse(GraphConvolutionCalls.usable(racy, DType.F32, false, true));
        assertTrue(GraphConvolutionCalls.usable(racy, DType.F32, false, false));
        assertTrue(GraphConvolutionCalls.usable(new int[] {CUDNN_NUMERICAL_NOTE_FFT}, DType.F32, false, true));
    }

    @Test
    void theTraceNamesTheNotes() {
        assertEquals("", GraphConvolutionCalls.noteNames(NONE));
        assertEquals(" [tensor core, fft, note 99]", GraphConvolutionCalls.noteNames(
                new int[] {CUDNN_NUMERICAL_NOTE_TENSOR_CORE, CUDNN_NUMERICAL_NOTE_FFT, 99}));
    }

    @Test
    void alignmentIsTheLargestPowerOfTwoUpTo16ThatDividesTheAddress() {
        assertEquals(16, GraphConvolutionCalls.alignment(0x7f00_0000_0100L));
        assertEquals(16, GraphConvolutionCalls.alignment(0x7f00_0000_0010L));
        assertEquals(8, GraphConvolutionCalls.alignment(0x7f00_0000_0008L));
        assertEquals(4, GraphConvolutionCalls.alignment(0x7f00_0000_0204L));
        assertEquals(2, GraphConvolutionCalls.alignment(0x7f00_0000_0002L));
    }

    @Test
    void theInterfaceIsChosenByNameAndAnUnknownOneIsRefusedInOneLine() {
        assertEquals(CudnnApi.GRAPH, CudnnApi.parse("graph"));
        assertEquals(CudnnApi.LEGACY, CudnnApi.parse(" Legacy "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CudnnApi.parse("v8"));
        assertEquals("striate.cuda.cudnnApi must be legacy or graph, got 'v8'", e.getMessage());
        assertEquals(CudnnApi.GRAPH, CudaOptions.defaults().withCudnnApi(CudnnApi.GRAPH).cudnnApi());
    }

    /** The error of a search that found no engine names why each configuration was turned down, counted. */
    @Test
    void refusalsAreCountedByReason() {
        GraphConvolutionCalls.Refusals r = new GraphConvolutionCalls.Refusals();
        for (int i = 0; i < 5; i++) {
            r.considered();
        }
        r.add("heuristics mode 2 refused: CUDNN_STATUS_NOT_SUPPORTED (3000)");
        r.add("plan refused: CUDNN_STATUS_NOT_SUPPORTED (3000)");
        r.add("plan refused: CUDNN_STATUS_NOT_SUPPORTED (3000)");
        r.add("dropped for its numerical notes [tensor core]");
        r.add("repeats an engine met already");
        assertEquals("5 configurations considered; heuristics mode 2 refused: CUDNN_STATUS_NOT_SUPPORTED (3000); "
                + "plan refused: CUDNN_STATUS_NOT_SUPPORTED (3000) ×2; dropped for its numerical notes [tensor core]; "
                + "repeats an engine met already", r.toString());
    }
}
