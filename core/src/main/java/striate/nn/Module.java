package striate.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * A layer or model: parameters, buffers (non-learned state such as batch-norm running statistics), child
 * modules, a forward function and a train/eval mode. Parameters are created in host memory on the reference
 * device; {@link #to} moves the module to the device it will run on. Names of nested parameters are
 * dot-separated paths ("0.weight", "features.3.bias"), as in PyTorch.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, striate.tensor.Rng> generators = new LinkedHashMap<>();
    private boolean training = true;
    private Device device = Device.reference();

    /** y = f(x). */
    public abstract Tensor forward(Tensor x);

    /** Registers a learnable tensor under {@code name} and returns its parameter. */
    protected Parameter registerParameter(String name, Tensor value) {
        return registerParameter(name, value, true);
    }

    /** Registers a tensor under {@code name} that is trained when {@code requiresGrad}, frozen otherwise. */
    protected Parameter registerParameter(String name, Tensor value, boolean requiresGrad) {
        Parameter p = new Parameter(value.to(device), requiresGrad, getClass().getSimpleName() + "." + name);
        if (parameters.putIfAbsent(name, p) != null) {
            throw new IllegalStateException("parameter '" + name + "' registered twice");
        }
        return p;
    }

    /** Registers non-learned state (moved with the module, saved in checkpoints). */
    protected void registerBuffer(String name, Tensor value) {
        buffers.put(name, value.to(device));
    }

    /** The current value of a buffer registered by this module. */
    protected Tensor buffer(String name) {
        return buffers.get(name);
    }

    /**
     * Overwrites a buffer's values with {@code value}'s (same shape), e.g. running statistics after a training step.
     * In place, so the buffer keeps its own memory when {@code value} belongs to a step's MemoryScope.
     */
    protected void setBuffer(String name, Tensor value) {
        if (!buffers.containsKey(name)) {
            throw new IllegalArgumentException("no buffer '" + name + "' in " + getClass().getSimpleName());
        }
        buffers.get(name).copyFrom(value);
    }

    /** Registers a child module under {@code name} and returns it. */
    protected <M extends Module> M registerModule(String name, M child) {
        if (children.putIfAbsent(name, child) != null) {
            throw new IllegalStateException("module '" + name + "' registered twice");
        }
        child.to(device);
        if (!training) {
            child.eval();
        }
        return child;
    }

    /** Registers a random generator this module draws from (dropout, RReLU) so checkpoints can save its state. */
    protected striate.tensor.Rng registerRng(String name, striate.tensor.Rng rng) {
        generators.put(name, rng);
        return rng;
    }

    /** Every registered random generator of this module and its descendants, by dotted path. */
    public Map<String, striate.tensor.Rng> namedRngs() {
        Map<String, striate.tensor.Rng> out = new LinkedHashMap<>(generators);
        children.forEach((n, c) -> c.namedRngs().forEach((k, v) -> out.put(n + "." + k, v)));
        return out;
    }

    /** Child modules in registration order. */
    public Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    /**
     * Every parameter of this module and its descendants, by dotted path, in registration order. A parameter reached
     * twice (a module registered under two names, as in {@code new Sequential(l, l)}: shared weights) is listed once,
     * under its first path, as PyTorch does: an optimizer then updates it once per step, with the gradient of every use.
     */
    public Map<String, Parameter> namedParameters() {
        return collect(m -> m.parameters);
    }

    /**
     * What {@code own} gives of this module and of each descendant, by dotted path in registration order; an object
     * reached twice (a module registered under two names) is listed once, under its first path.
     */
    private <T> Map<String, T> collect(java.util.function.Function<Module, Map<String, T>> own) {
        Map<String, T> out = new LinkedHashMap<>();
        collect("", own, out, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return out;
    }

    private <T> void collect(String prefix, java.util.function.Function<Module, Map<String, T>> own,
                             Map<String, T> out, java.util.Set<T> seen) {
        own.apply(this).forEach((k, v) -> {
            if (seen.add(v)) {
                out.put(prefix + k, v);
            }
        });
        children.forEach((n, c) -> c.collect(prefix + n + ".", own, out, seen));
    }

    public List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * Every buffer of this module and its descendants, by dotted path; one reached twice is listed once, as parameters
     * are.
     */
    public Map<String, Tensor> namedBuffers() {
        return collect(m -> m.buffers);
    }

    /** Overwrites a buffer found by dotted path (for checkpoints), in place: the source's memory is never shared. */
    public void loadBuffer(String path, Tensor value) {
        int dot = path.indexOf('.');
        if (dot < 0 || buffers.containsKey(path)) {
            Tensor old = buffers.get(path);
            if (old == null || !old.shape().equals(value.shape())) {
                throw new IllegalArgumentException("no buffer '" + path + "' of shape " + value.shape() + " in "
                        + getClass().getSimpleName());
            }
            old.copyFrom(value);
            return;
        }
        Module child = children.get(path.substring(0, dot));
        if (child == null) {
            throw new IllegalArgumentException("no module '" + path.substring(0, dot) + "' in " + getClass().getSimpleName());
        }
        child.loadBuffer(path.substring(dot + 1), value);
    }

    /** Total number of learnable values. */
    public long parameterCount() {
        return parameters().stream().mapToLong(p -> p.value().size()).sum();
    }

    public void zeroGrad() {
        parameters().forEach(Parameter::zeroGrad);
    }

    /** Training mode (dropout active, batch-norm uses batch statistics). Returns this. */
    public Module train() {
        training = true;
        children.values().forEach(Module::train);
        return this;
    }

    /** Evaluation mode (dropout off, batch-norm uses running statistics). Returns this. */
    public Module eval() {
        training = false;
        children.values().forEach(Module::eval);
        return this;
    }

    public boolean isTraining() {
        return training;
    }

    /** The device this module's parameters live on. */
    public Device device() {
        return device;
    }

    /** Moves parameters and buffers of this module and its descendants to {@code target}. Returns this. */
    public Module to(Device target) {
        device = target;
        parameters.values().forEach(p -> p.to(target));
        buffers.replaceAll((k, v) -> v.to(target));
        children.values().forEach(c -> c.to(target));
        return this;
    }

    /**
     * Converts the floating-point parameters and buffers of this module and its descendants to {@code dtype}
     * (PyTorch's module.to(dtype); float64 for gradient checks of whole models). Returns this.
     */
    public Module to(DType dtype) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".to: parameters must stay floating-point,"
                    + " got " + dtype);
        }
        parameters.values().forEach(p -> p.to(dtype));
        buffers.replaceAll((k, v) -> v.dtype().isFloating() ? v.to(dtype) : v);
        children.values().forEach(c -> c.to(dtype));
        return this;
    }

    /** A short description of this layer's configuration for summaries, e.g. "Conv2d(1, 6, kernel=5)". */
    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
