package striate.cuda;

import static striate.cuda.CudaBackend.contiguous;
import static striate.cuda.CudaBackend.of;
import static striate.cuda.CudaBackend.pointer;

import striate.op.GruCellBackwardOp;
import striate.op.GruCellOp;
import striate.op.LstmCellBackwardOp;
import striate.op.LstmCellOp;
import striate.tensor.Tensor;

/**
 * The fused LSTM and GRU cells, forward and backward (kernels/src/main/cuda/recurrent.cu): one launch each, one thread
 * per element of [n, h]. Strided inputs are made dense on the device first; outputs are the ops' own layouts
 * ([2, n, h]; [n·5h]; [n, h]; [n·7h]).
 */
final class CudaRecurrent {
    private CudaRecurrent() {
    }

    /** Launches {@code kernel} over the n·h elements of [n, h] with (n, h, inputs made dense..., out). */
    private static void launch(String op, String kernel, Tensor state, Tensor out, Tensor... inputs) {
        LaunchArgs args = new LaunchArgs().i64(state.dim(0)).i64(state.dim(1));
        for (Tensor t : inputs) {
            CudaElementwise.requireF32(op, t);
            args.ptr(contiguous(t)); // the dense copy is held until the launch
        }
        of(out).gpu().launch(kernel, state.size(), args.ptr(pointer(out)));
    }

    static void lstmCell(LstmCellOp op, Tensor[] in, Tensor out) {
        launch(op.name(), Symbols.LSTM_CELL, in[1], out, in[0], in[1]);
    }

    static void lstmCellBackward(LstmCellBackwardOp op, Tensor[] in, Tensor out) {
        launch(op.name(), Symbols.LSTM_CELL_BACKWARD, in[2], out, in[0], in[1], in[2]);
    }

    static void gruCell(GruCellOp op, Tensor[] in, Tensor out) {
        launch(op.name(), Symbols.GRU_CELL, in[2], out, in[0], in[1], in[2]);
    }

    static void gruCellBackward(GruCellBackwardOp op, Tensor[] in, Tensor out) {
        launch(op.name(), Symbols.GRU_CELL_BACKWARD, in[3], out, in[0], in[1], in[2], in[3]);
    }
}
