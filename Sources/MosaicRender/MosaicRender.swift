// MosaicRender module.
