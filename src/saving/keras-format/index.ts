/**
 * Keras's own file formats, read and written without any dependency:
 * `.keras` archives (zip + JSON + HDF5) and legacy `.h5` files. See
 * docs/keras-files.md.
 */
export { readKerasArchive, writeKerasArchive, weightsTree, type KerasArchive, type KerasArchiveContents, type WeightToWrite } from './keras-archive.js';
export {
  kerasArchiveWeights,
  kerasVarsGroups,
  kerasWeightsFile,
  loadKerasWeights,
  setKerasArchiveWeights,
  setLegacyH5Weights,
  type KerasArchiveWeights,
  type KerasVarsGroup,
  type KerasWeightsFileKind,
  type KerasWeightsOptions,
  type SetKerasWeightsOptions,
} from './keras-weights.js';
export { legacyH5Root, type LegacyH5RootOptions } from './legacy-h5-weights.js';
export { readLegacyH5, type LegacyH5, type NamedWeightArray } from './legacy-h5.js';
export type { WeightArray } from './weights-tree.js';
export { Hdf5File, Hdf5Group, Hdf5Dataset, type Hdf5Array } from './hdf5/file.js';
export type { Hdf5Limits } from './hdf5/context.js';
export { writeHdf5, type WritableGroup, type WritableDataset, type AttributeValue } from './hdf5/writer.js';
export { ZipArchive, writeZip, type ZipEntryInput, type ZipLimits, type WriteZipOptions } from './zip.js';
