package striate.gan;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * A GAN run's numbers, step by step (each discriminator step's {@link GanStep}) and epoch by epoch (wall seconds and
 * real images of the epoch's steps), across resumes: a checkpoint keeps them as float64 tensors ({@link #tensors},
 * {@link #of}). The report draws the curves from here.
 */
public final class GanHistory {
    private static final String[] CURVES = {"d_loss", "g_loss", "d_real", "d_fake", "wasserstein"};

    private double[][] steps = new double[CURVES.length][16];
    private int count;
    private double[] epochSeconds = new double[0];
    private double[] epochImages = new double[0];

    /** Appends one discriminator step. */
    void add(GanStep s) {
        if (count == steps[0].length) {
            for (int c = 0; c < CURVES.length; c++) {
                steps[c] = Arrays.copyOf(steps[c], count * 2);
            }
        }
        steps[0][count] = s.dLoss();
        steps[1][count] = s.gLoss();
        steps[2][count] = s.dReal();
        steps[3][count] = s.dFake();
        steps[4][count] = s.wasserstein();
        count++;
    }

    /** Appends one finished epoch. */
    void addEpoch(double seconds, long images) {
        epochSeconds = Arrays.copyOf(epochSeconds, epochSeconds.length + 1);
        epochImages = Arrays.copyOf(epochImages, epochImages.length + 1);
        epochSeconds[epochSeconds.length - 1] = seconds;
        epochImages[epochImages.length - 1] = images;
    }

    /** Discriminator steps so far. */
    public int steps() {
        return count;
    }

    /** Epochs finished. */
    public int epochs() {
        return epochSeconds.length;
    }

    public double[] dLoss() {
        return Arrays.copyOf(steps[0], count);
    }

    /** Per discriminator step; NaN where no generator step followed. */
    public double[] gLoss() {
        return Arrays.copyOf(steps[1], count);
    }

    public double[] dReal() {
        return Arrays.copyOf(steps[2], count);
    }

    public double[] dFake() {
        return Arrays.copyOf(steps[3], count);
    }

    /** Per discriminator step; NaN for the BCE loss. */
    public double[] wasserstein() {
        return Arrays.copyOf(steps[4], count);
    }

    /** Training wall seconds of each epoch. */
    public double[] epochSeconds() {
        return epochSeconds.clone();
    }

    /** Real images of each epoch. */
    public double[] epochImages() {
        return epochImages.clone();
    }

    /** The history as named float64 tensors (on the reference device), for a checkpoint. */
    Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int c = 0; c < CURVES.length; c++) {
            out.put("history." + CURVES[c], vector(Arrays.copyOf(steps[c], count)));
        }
        out.put("history.epoch_seconds", vector(epochSeconds));
        out.put("history.epoch_images", vector(epochImages));
        return out;
    }

    /** The history a checkpoint's {@link #tensors} hold; an error names a missing or mismatched entry. */
    static GanHistory of(Map<String, Tensor> tensors) {
        GanHistory h = new GanHistory();
        double[][] curves = new double[CURVES.length][];
        for (int c = 0; c < CURVES.length; c++) {
            curves[c] = values(tensors, "history." + CURVES[c]);
            if (curves[c].length != curves[0].length) {
                throw new IllegalArgumentException("the checkpoint's history curves differ in length ("
                        + CURVES[c] + ": " + curves[c].length + ", " + CURVES[0] + ": " + curves[0].length + ")");
            }
        }
        h.count = curves[0].length;
        for (int c = 0; c < CURVES.length; c++) {
            h.steps[c] = Arrays.copyOf(curves[c], Math.max(16, h.count));
        }
        h.epochSeconds = values(tensors, "history.epoch_seconds");
        h.epochImages = values(tensors, "history.epoch_images");
        return h;
    }

    private static Tensor vector(double[] v) {
        return Tensor.of(Device.reference(), DType.F64, v, v.length);
    }

    private static double[] values(Map<String, Tensor> tensors, String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the checkpoint has no '" + name + "'; it was not written by a GAN run");
        }
        return t.toDoubleArray();
    }
}
