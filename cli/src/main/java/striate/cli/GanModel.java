package striate.cli;

import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import striate.gan.GanRecipe;

/**
 * The values of {@code striate gan --model}, one per GAN of the family, spelled as on the command line and in
 * {@link GanRecipe} (gan, dcgan, wgan, wgan-gp, cgan): picocli lists them in --help and {@link Converter} refuses any
 * other spelling in one line that names them.
 */
enum GanModel {
    GAN("gan"),
    DCGAN("dcgan"),
    WGAN("wgan"),
    WGAN_GP("wgan-gp"),
    CGAN("cgan");

    private final String option;

    GanModel(String option) {
        this.option = option;
    }

    /** The paper recipe of this model. */
    GanRecipe recipe() {
        return GanRecipe.of(option);
    }

    /** The spelling of --model, which checkpoints record and picocli lists. */
    @Override
    public String toString() {
        return option;
    }

    /** Parses --model. */
    static final class Converter implements ITypeConverter<GanModel> {
        @Override
        public GanModel convert(String value) {
            for (GanModel m : values()) {
                if (m.option.equals(value)) {
                    return m;
                }
            }
            throw new TypeConversionException("unknown --model '" + value + "'; choose one of "
                    + Arrays.stream(values()).map(GanModel::toString).collect(Collectors.joining(", ")));
        }
    }
}
