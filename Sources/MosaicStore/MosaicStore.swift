// MosaicStore module.
