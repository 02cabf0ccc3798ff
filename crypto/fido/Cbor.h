// Small owners and helpers over libcbor for the software authenticator. Internal to crypto/.
#pragma once

#include "crypto/Bytes.h"

#include <cbor.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cloison::fido {

struct CborDeleter {
    void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
// The owner of one reference to a libcbor item.
using Cbor = std::unique_ptr<cbor_item_t, CborDeleter>;

Cbor cborUint(std::uint64_t value);
// A negative integer: cborNegative(7) is -7.
Cbor cborNegative(std::uint64_t magnitude);
Cbor cborBytes(ByteView bytes);
Cbor cborText(std::string_view text);
Cbor cborBool(bool value);
Cbor cborMap(std::size_t size);
Cbor cborArray(std::size_t size);
void cborPut(cbor_item_t* map, Cbor key, Cbor value);
void cborPush(cbor_item_t* array, Cbor value);
// Canonical-enough encoding: the caller adds keys in CTAP's canonical order.
Bytes cborEncode(const cbor_item_t* item);
// Nullptr on malformed input or trailing data.
Cbor cborDecode(ByteView data);

// Lookups in a map; nullptr when absent.
const cbor_item_t* cborFind(const cbor_item_t* map, std::uint64_t key);
const cbor_item_t* cborFind(const cbor_item_t* map, std::string_view key);
std::optional<Bytes> cborAsBytes(const cbor_item_t* item);
std::optional<std::string> cborAsText(const cbor_item_t* item);
std::optional<std::uint64_t> cborAsUint(const cbor_item_t* item);
std::optional<std::int64_t> cborAsInt(const cbor_item_t* item);
std::optional<bool> cborAsBool(const cbor_item_t* item);

} // namespace cloison::fido
