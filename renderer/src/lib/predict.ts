// Model inputs from what the user drew or typed, as the services' predict expects them: features
// as the dataset stores them (before normalisation), images padded to 32x32 for LeNet-5.
import { mnistStyle, pad, resizeArea, type Gray } from './digit.ts';

/**
 * A drawing as one input row for a model of `inputSize` numbers trained on `height` x `width`
 * images whose brightest pixel value is `scale` (255 for 8-bit pixels).
 */
export function digitInput(ink: Gray, height: number, width: number, inputSize: number, scale: number): Float32Array<ArrayBuffer> {
  let digit = mnistStyle(ink, 28, 20);
  if (height !== 28 || width !== 28) digit = resizeArea(digit, width, height);
  if (inputSize > width * height) {
    const side = Math.round(Math.sqrt(inputSize)); // LeNet-5: 28x28 digits padded to 32x32
    digit = pad(digit, side, side);
  }
  const row = new Float32Array(digit.data.length);
  for (let i = 0; i < row.length; i++) row[i] = digit.data[i] * scale;
  return row;
}
