/// Input that cannot be acted on as a whole: an unknown product, a malformed field, a missing location.
/// Nothing is recorded when it is thrown.
public struct InputError: Error, Hashable, Sendable {
    /// Stable codes: the CLI prints them in `--json` mode and the API will use them as problem types.
    public enum Code: String, Sendable, CaseIterable {
        case invalidField = "invalid-field"
        case invalidIdentifier = "invalid-identifier"
        case unknownProduct = "unknown-product"
        case unknownLocation = "unknown-location"
        case unknownEvent = "unknown-event"
        case unknownUnit = "unknown-unit"
        case ambiguousSerial = "ambiguous-serial"
        case duplicateProduct = "duplicate-product"
        case duplicateLocation = "duplicate-location"
        case wrongTrackingMode = "wrong-tracking-mode"
        case notAPlace = "not-a-place"
        case nothingToDo = "nothing-to-do"
        case malformedImport = "malformed-import"
        case unsupported
        case unknownKey = "unknown-key"
        case unknownWebhook = "unknown-webhook"
        /// A webhook URL whose host is, or resolves to, a private, loopback or link-local address.
        case webhookAddressRefused = "webhook-address-refused"
        /// A secret must be sealed, and no secret key was given (`UNITRACE_SECRET_KEY_FILE`).
        case secretKeyMissing = "secret-key-missing"
        /// A return, quarantine, scrap or correction without a reason.
        case reasonRequired = "reason-required"
        /// A sale without its channel.
        case saleRequired = "sale-required"
        /// A sale in person at a location that is not a store or pop-up.
        case notAStore = "not-a-store"
        /// Taking more of a product or lot than the location holds.
        case insufficientStock = "insufficient-stock"
        /// Picking, selling or shipping to a customer stock past its expiry date.
        case expired
        case unknownLot = "unknown-lot"
        case unknownRun = "unknown-run"
        case unknownRecall = "unknown-recall"
        /// A lot received again with dates or a supplier that differ from the ones it has.
        case lotMismatch = "lot-mismatch"
        /// Stock held for another customer or order.
        case held
        case unknownHold = "unknown-hold"
        case unknownCount = "unknown-count"
        /// An advance ship notice or purchase order id that names none.
        case unknownNotice = "unknown-notice"
        case unknownTransfer = "unknown-transfer"
        /// No container has this SSCC: nothing was ever packed in it.
        case unknownContainer = "unknown-container"
        /// A pack, unpack or container move that breaks a packing rule (a loop, a container inside another).
        case packingRefused = "packing-refused"
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}

extension InputError: CustomStringConvertible {
    public var description: String { message }
}
