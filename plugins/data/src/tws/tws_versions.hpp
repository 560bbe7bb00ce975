// The TWS API server versions this client speaks (the classic text protocol), and the versions
// inside that range at which a message's layout changes. Constants only; thread-safe.
#pragma once

namespace ktrdr::data::tws {

// The range the client offers in its handshake. From 201 on TWS frames message ids as binary
// ints (and later as protobuf bodies), which this client does not speak; 188-200 change the
// error and historical-data layouts, so the offer stops at 187.
inline constexpr int kMinServerVersion = 100;
inline constexpr int kMaxServerVersion = 187;

// Layout thresholds, after IB's MIN_SERVER_VER_* constants. Fields that IB added below version
// 100 are always present in the offered range and have no constant here.
inline constexpr int kVersionOptionalCapabilities = 72;  // startApi's optionalCapabilities
inline constexpr int kVersionMdSizeMultiplier = 110;     // contractData's mdSizeMultiplier (to 163)
inline constexpr int kVersionReqHeadTimestamp = 118;
inline constexpr int kVersionCancelHeadTimestamp = 123;
// reqHistoricalData loses its version field and gains keepUpToDate; historicalData loses its
// version and per-bar hasGaps fields.
inline constexpr int kVersionSyntRealtimeBars = 124;
inline constexpr int kVersionSizeRules = 164;            // contractData without a version field
inline constexpr int kVersionAdvancedOrderReject = 166;  // error gains advancedOrderRejectJson
inline constexpr int kVersionBondIssuerId = 176;         // reqContractDetails gains issuerId
inline constexpr int kVersionLastTradeDate = 182;        // contractData gains lastTradeDate
inline constexpr int kVersionBinaryProtocol = 201;       // message ids as binary ints (protobuf)

}  // namespace ktrdr::data::tws
