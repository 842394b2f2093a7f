// MosaicImage module.
