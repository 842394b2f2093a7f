// MosaicDiffusion module.
