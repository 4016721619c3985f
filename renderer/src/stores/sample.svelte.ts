// The validation sample the user is looking at: the sample view, LeNet-5's feature maps and the
// backprop view all show this one, whichever of them chose it.
class SampleStore {
  index = $state(0);
}

export const sample = new SampleStore();
