// MosaicTensor module (placeholder: the skeleton commit lacked this directory, so SwiftPM refused the package).
