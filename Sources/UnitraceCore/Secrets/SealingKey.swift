import Crypto
import Foundation

/// The key that seals what must not sit in the store in clear: webhook signing secrets today, customer data
/// later. It lives outside the store (a key file or an environment variable), so a copy of the store file
/// alone reveals nothing sealed with it.
///
/// A sealed value is text: `sealed:v1:<key id>:<base64 of AES-256-GCM nonce ‖ ciphertext ‖ tag>`. The key id
/// (the first 8 hex digits of the SHA-256 of the key) names the key without revealing it, so opening with the
/// wrong key says which one is needed. Each value is bound to a context (`webhook:wh_…`), so a sealed value
/// copied into another row does not open there.
public struct SealingKey: Sendable {
    private let key: SymmetricKey
    /// Names the key, never reveals it.
    public let id: String

    static let prefix = "sealed:v1:"

    /// A key from its text form: 32 bytes in base64 (what ``generate()`` prints), surrounding white space ignored.
    public init(text: String) throws(InputError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: trimmed), bytes.count == 32 else {
            throw InputError(
                code: .invalidField,
                message:
                    "the secret key must be 32 bytes in base64 (44 characters); make one with `unitrace secret-key new`"
            )
        }
        self.init(bytes: bytes)
    }

    init(bytes: Data) {
        key = SymmetricKey(data: bytes)
        id = String(Hex.lowercase(SHA256.hash(data: bytes)).prefix(8))
    }

    /// A new random key and its text form.
    public static func generate() -> (key: SealingKey, text: String) {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return (SealingKey(bytes: bytes), bytes.base64EncodedString())
    }

    /// Whether `value` is in the sealed form (and so not in clear).
    public static func isSealed(_ value: String) -> Bool { value.hasPrefix(prefix) }

    /// The id of the key `value` was sealed with, when it is sealed.
    public static func keyID(of value: String) -> String? {
        guard isSealed(value) else { return nil }
        return value.dropFirst(prefix.count).split(separator: ":", maxSplits: 1).first.map(String.init)
    }

    /// Seals `clear` for `context`.
    public func seal(_ clear: String, context: String) -> String {
        // AES-GCM with a fresh random nonce cannot fail for inputs of this size.
        let box = try! AES.GCM.seal(Data(clear.utf8), using: key, authenticating: Data(context.utf8))
        return Self.prefix + id + ":" + box.combined!.base64EncodedString()
    }

    /// Opens a value sealed for `context`.
    /// - Throws: ``SealError`` when it was sealed with another key, for another context, or altered.
    public func open(_ sealed: String, context: String) throws(SealError) -> String {
        guard let keyID = Self.keyID(of: sealed) else { throw SealError(.notSealed, context: context) }
        guard keyID == id else { throw SealError(.otherKey(keyID), context: context) }
        let payload = sealed.dropFirst(Self.prefix.count + keyID.count + 1)
        guard let data = Data(base64Encoded: String(payload)),
            let box = try? AES.GCM.SealedBox(combined: data),
            let clear = try? AES.GCM.open(box, using: key, authenticating: Data(context.utf8)),
            let text = String(data: clear, encoding: .utf8)
        else { throw SealError(.altered, context: context) }
        return text
    }
}

/// A sealed value that cannot be opened.
public struct SealError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case notSealed
        case otherKey(String)
        case altered
    }

    public var reason: Reason
    public var context: String

    public init(_ reason: Reason, context: String) {
        self.reason = reason
        self.context = context
    }

    public var description: String {
        switch reason {
        case .notSealed: "\(context) is kept in clear, not sealed"
        case .otherKey(let id): "\(context) was sealed with secret key \(id), not the key given"
        case .altered: "\(context) does not open with the key given: it was altered"
        }
    }
}
