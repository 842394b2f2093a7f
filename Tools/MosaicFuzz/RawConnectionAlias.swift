import MosaicTestSupport

/// The shared raw connection under its old name in this module, so the HTTP-layer tests that
/// spell `MosaicFuzz.RawConnection` build until they import MosaicTestSupport themselves.
typealias RawConnection = MosaicTestSupport.RawConnection
