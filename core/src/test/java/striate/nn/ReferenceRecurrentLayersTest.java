package striate.nn;

import striate.tensor.Device;
import striate.testing.RecurrentConformance;

/** The recurrent layers' checks (variable lengths against sequences alone, learning a toy task) on the reference. */
class ReferenceRecurrentLayersTest extends RecurrentConformance {
    @Override
    protected Device device() {
        return Device.reference();
    }
}
