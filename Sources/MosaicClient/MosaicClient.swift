// MosaicClient module.
