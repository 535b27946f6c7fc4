package striate.backend;

import striate.tensor.DType;
import striate.tensor.HostStorage;
import striate.tensor.Storage;

/** Memory handling shared by backends whose device memory is host memory (reference, cpu). */
public abstract class HostBackend implements Backend {
    @Override
    public Storage allocate(DType dtype, long elements) {
        return HostStorage.allocate(dtype, elements);
    }

    @Override
    public Storage allocateOutput(DType dtype, long elements) {
        return HostStorage.allocateUninitialized(dtype, elements);
    }

    @Override
    public Storage upload(HostStorage host) {
        return host;
    }

    @Override
    public HostStorage download(Storage storage) {
        return (HostStorage) storage;
    }
}
