// MosaicDaemon module.
