package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;
import striate.gan.GanRecipe;

/** {@code gan --model}: the enum spells the recipes' models, parses only those, and --help lists them. */
class GanModelTest {
    @Test
    void theEnumSpellsEveryRecipeModelInOrder() {
        assertEquals(GanRecipe.MODELS, Arrays.stream(GanModel.values()).map(GanModel::toString).toList());
        for (GanModel m : GanModel.values()) {
            assertEquals(m.toString(), m.recipe().model());
            assertEquals(m, new GanModel.Converter().convert(m.toString()));
        }
        assertEquals("gan-wgan-gp", GanModel.WGAN_GP.recipe().checkpointName());
    }

    @Test
    void otherSpellingsAreRefusedNamingTheModels() {
        for (String bad : new String[] {"WGAN_GP", "wgan_gp", "DCGAN", "vae", ""}) {
            TypeConversionException e = assertThrows(TypeConversionException.class,
                    () -> new GanModel.Converter().convert(bad));
            assertEquals("unknown --model '" + bad + "'; choose one of gan, dcgan, wgan, wgan-gp, cgan", e.getMessage());
        }
    }

    @Test
    void helpListsTheModelsAndTheDefault() {
        TrainCommandTest.Result r = TrainCommandTest.cli("gan", "--help");
        assertEquals(0, r.code(), r.err());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--model=<model> gan, dcgan, wgan, wgan-gp, cgan: gan has MLP nets, wgan clips "
                + "weights, wgan-gp has a gradient penalty, cgan is a conditional DCGAN (default: dcgan)."), help);
    }
}
