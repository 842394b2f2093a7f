// MosaicTensor module.
