// swift-tools-version:5.9
// A merchant's package using doku-checkout from a checkout of this repo, as the Swift README
// shows (make swift-test copies it outside the repo and points the path below at bindings/swift).
// On Linux, build with DOKU_CHECKOUT_FFI_DIR set to the folder holding libdoku_checkout_ffi.so.
import PackageDescription

let package = Package(
    name: "Consumer",
    platforms: [.macOS(.v12)],
    dependencies: [
        .package(name: "DokuCheckout", path: "../../bindings/swift"),
    ],
    targets: [
        .executableTarget(name: "Consumer", dependencies: [.product(name: "DokuCheckout", package: "DokuCheckout")]),
    ]
)
