// MosaicSystemd module.
