// MosaicAPI module.
