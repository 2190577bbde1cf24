// What the XCTest suite shares: the repo's shared files, the core's test entry point, a JSON
// comparison that knows Swift's values from JSONSerialization's, and the emulator process.
import DokuCheckout
import DokuCheckoutConformanceFFI
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

let environment = ProcessInfo.processInfo.environment

/// The repository: DOKU_REPO_ROOT, or two levels above the package.
let repoRoot = URL(fileURLWithPath: environment["DOKU_REPO_ROOT"] ?? FileManager.default.currentDirectoryPath + "/../..")

/// Every `*.json` of a repo directory, by name, parsed.
func jsonFiles(_ dir: String) throws -> [(String, [String: Any])] {
    let url = repoRoot.appendingPathComponent(dir)
    let names = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".json") }.sorted()
    return try names.map { name in
        let data = try Data(contentsOf: url.appendingPathComponent(name))
        guard let doc = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw Harness.notAnObject(name) }
        return (name, doc)
    }
}

enum Harness: Error {
    case notAnObject(String)
    case emulator(String)
    case conformance(String)
}

/// A shared file's body: null, {b64}, {hex} or {repeat: {hex, count}}.
func bodySpec(_ spec: Any?) -> Data? {
    guard let o = spec as? [String: Any] else { return nil }
    func hex(_ s: String) -> Data {
        var d = Data()
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            d.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return d
    }
    if let b = o["b64"] as? String { return Data(base64Encoded: b)! }
    if let h = o["hex"] as? String { return hex(h) }
    if let r = o["repeat"] as? [String: Any], let unitHex = r["hex"] as? String, let count = (r["count"] as? NSNumber)?.intValue {
        let unit = hex(unitHex)
        var d = Data()
        for _ in 0..<count { d.append(unit) }
        return d
    }
    return nil
}

/// Snake-case shared-file settings as the typed ClientOptions.
func clientOptions(_ o: [String: Any], baseUrl: String? = nil) -> ClientOptions {
    func u(_ k: String) -> UInt32? { (o[k] as? NSNumber).map { UInt32($0.int64Value) } }
    return ClientOptions(environment: o["environment"] as? String, baseUrl: o["base_url"] as? String ?? baseUrl, timeoutMs: u("timeout_ms"),
                         connectTimeoutMs: u("connect_timeout_ms"), maxRetries: u("max_retries"), initialBackoffMs: u("initial_backoff_ms"),
                         maxBackoffMs: u("max_backoff_ms"), deadlineMs: u("deadline_ms"), maxResponseBytes: u("max_response_bytes"),
                         proxy: o["proxy"] as? String, verifyResponseSignatures: jsonBool(o["verify_response_signatures"]))
}

/// The core's one shared-vector entry point (test builds of the library only), parsed.
func conformance(_ operation: String, _ input: [String: Any]) throws -> [String: Any] {
    let text = String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self)
    guard let answer = doku_checkout_conformance_run(operation, text) else {
        // Null: an argument was null or not UTF-8, or the core panicked. (A library built without
        // the `conformance` feature fails earlier, at link time: the symbol is missing.)
        throw Harness.conformance("the conformance entry point returned null for \(operation)")
    }
    defer { doku_checkout_conformance_free(answer) }
    let parsed = try JSONSerialization.jsonObject(with: Data(String(cString: answer).utf8))
    guard let object = parsed as? [String: Any] else { throw Harness.conformance("not an object: \(parsed)") }
    return object
}

// MARK: - JSON values

/// A JSON value, so that a Swift `Bool`, an `Optional`, an `NSNumber` from JSONSerialization and
/// `NSNull` compare as JSON does (`false` is not `0`, `nil` is `null`).
indirect enum JSON: Equatable, CustomStringConvertible {
    case null, bool(Bool), number(Double), string(String), array([JSON]), object([String: JSON])

    init(_ value: Any?) {
        guard let value = value else { self = .null; return }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            self = mirror.children.first.map { JSON($0.value) } ?? .null
            return
        }
        switch value {
        case is NSNull: self = .null
        case let b as Bool where !(value is NSNumber): self = .bool(b)
        case let n as NSNumber:
            // JSONSerialization's booleans are NSNumbers of Objective-C type "c" on Apple and Linux.
            self = String(cString: n.objCType) == "c" ? .bool(n.boolValue) : .number(n.doubleValue)
        case let i as Int: self = .number(Double(i))
        case let u as UInt16: self = .number(Double(u))
        case let u as UInt32: self = .number(Double(u))
        case let u as UInt64: self = .number(Double(u))
        case let s as String: self = .string(s)
        case let a as [Any?]: self = .array(a.map { JSON($0) })
        case let a as [Any]: self = .array(a.map { JSON($0) })
        case let o as [String: Any?]: self = .object(o.mapValues { JSON($0) })
        case let o as [String: Any]: self = .object(o.mapValues { JSON($0) })
        default: self = .string("<unsupported \(type(of: value))>")
        }
    }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .number(let n): return n.rounded() == n ? "\(Int64(n))" : "\(n)"
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[\(a.map(\.description).joined(separator: ","))]"
        case .object(let o): return "{\(o.keys.sorted().map { "\"\($0)\":\(o[$0]!)" }.joined(separator: ","))}"
        }
    }
}

/// A JSON boolean read from JSONSerialization's output, or nil when absent or not a boolean.
func jsonBool(_ value: Any?) -> Bool? {
    if case .bool(let b) = JSON(value) { return b }
    return nil
}

/// Asserts equality as JSON values.
func assertJSON(_ got: Any?, _ want: Any?, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(JSON(got), JSON(want), message, file: file, line: line)
}

// MARK: - The emulator

/// The real emulator (`doku-checkout mock`) as a child process on a free loopback port.
final class Emulator {
    private let process = Process()
    let url: String
    let secretKey: String
    let clientId: String

    init(clientId: String, secretKey: String) throws {
        self.clientId = clientId
        self.secretKey = secretKey
        let cli = environment["DOKU_CLI"] ?? repoRoot.appendingPathComponent("target/debug/doku-checkout").path
        process.executableURL = URL(fileURLWithPath: cli)
        process.arguments = ["mock", "--port", "0", "--client-id", clientId]
        process.environment = ["DOKU_SECRET_KEY": secretKey]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = stdout.fileHandleForReading
        var line = Data()
        while true {
            let byte = reader.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { break }
            line.append(byte)
        }
        let first = String(decoding: line, as: UTF8.self)
        guard first.hasPrefix("listening on ") else {
            process.terminate()
            throw Harness.emulator("\(cli) did not start: \(first)")
        }
        url = String(first.dropFirst("listening on ".count))
        // Keep reading whatever else it prints, so a full pipe can never stall it.
        Thread.detachNewThread { while !reader.availableData.isEmpty {} }
    }

    /// One control call (`/_mock/...`), its JSON answer parsed; fails unless it answers 2xx.
    @discardableResult
    func control(_ method: String, _ path: String, _ payload: Any? = nil) throws -> Any {
        let (status, answer) = try call(method, path, payload)
        guard (200..<300).contains(status) else { throw Harness.emulator("\(method) \(path): HTTP \(status) \(JSON(answer))") }
        return answer
    }

    /// One control call whatever its status: the status and the JSON answer; fails after 15 s.
    func call(_ method: String, _ path: String, _ payload: Any? = nil) throws -> (Int, Any) {
        var request = URLRequest(url: URL(string: url + path)!, timeoutInterval: 10)
        request.httpMethod = method
        if let p = payload { request.httpBody = try JSONSerialization.data(withJSONObject: p) }
        final class Answer: @unchecked Sendable { var value: (Data?, Int, Error?) = (nil, 0, nil) }
        let done = DispatchSemaphore(value: 0), box = Answer()
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.value = (data, (response as? HTTPURLResponse)?.statusCode ?? 0, error)
            done.signal()
        }.resume()
        guard done.wait(timeout: .now() + 15) == .success else { throw Harness.emulator("\(method) \(path): no answer in 15 s") }
        let answer = box.value
        if let error = answer.2 { throw Harness.emulator("\(method) \(path): \(error)") }
        return (answer.1, try JSONSerialization.jsonObject(with: answer.0 ?? Data("null".utf8), options: [.fragmentsAllowed]))
    }

    func setup(_ spec: Any?) throws { try control("POST", "/_mock/setup", spec ?? [String: Any]()) }

    /// Every API request the emulator received, oldest first.
    func requests() throws -> [[String: Any]] {
        guard let log = try control("GET", "/_mock/log") as? [[String: Any]] else { throw Harness.emulator("the log is not a list") }
        return log
    }

    func orderState(_ invoice: String) throws -> String? {
        (try control("GET", "/_mock/orders/\(invoice)") as? [String: Any])?["state"] as? String
    }

    /// A client of this emulator, with fast retries unless `options` says otherwise.
    func client(_ options: ClientOptions? = nil) throws -> DokuClient {
        var o = options ?? ClientOptions(maxRetries: 2, initialBackoffMs: 10, maxBackoffMs: 50)
        if o.baseUrl == nil { o.baseUrl = url }
        return try DokuClient(clientId: clientId, secretKey: secretKey, options: o)
    }

    // SIGTERM ends it at once. Not waited for: on Linux, Foundation never reports the exit of a
    // child to an XCTest async method (waitUntilExit() hung, a terminationHandler never ran), and
    // the test process reaps it when it ends.
    deinit { process.terminate() }
}
