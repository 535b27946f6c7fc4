package striate.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import striate.op.KernelTable;
import striate.op.Op;
import striate.op.ToDeviceOp;
import striate.op.ViewOp;

/**
 * The concrete op records, found by walking {@code Op.class.getPermittedSubclasses()} recursively, so a new
 * op joins every coverage check (kernels, conformance) the moment it is added to the sealed hierarchy.
 */
public final class OpHierarchy {
    private OpHierarchy() {
    }

    /** Every concrete op class, views and in-place updates included, sorted by simple name. */
    @SuppressWarnings("unchecked")
    public static List<Class<? extends Op>> all() {
        List<Class<? extends Op>> out = new ArrayList<>();
        List<Class<?>> todo = new ArrayList<>(List.of(Op.class));
        while (!todo.isEmpty()) {
            Class<?> k = todo.removeLast();
            if (k.isSealed()) {
                todo.addAll(List.of(k.getPermittedSubclasses()));
            } else {
                out.add((Class<? extends Op>) k);
            }
        }
        out.sort(Comparator.comparing(Class::getSimpleName));
        return out;
    }

    /**
     * The ops a backend needs a kernel for: all but views, which only re-stride storage, and the copy onto another
     * device, which the copy primitive runs.
     */
    public static List<Class<? extends Op>> withKernels() {
        return all().stream().filter(k -> !ViewOp.class.isAssignableFrom(k) && k != ToDeviceOp.class).toList();
    }

    /** Simple names of the ops that need a kernel and have none in {@code table}. */
    public static List<String> missingKernels(KernelTable table) {
        return withKernels().stream().filter(k -> !table.ops().contains(k)).map(Class::getSimpleName).toList();
    }
}
