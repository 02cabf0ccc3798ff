#include "crypto/fido/Cbor.h"

#include <cstdlib>
#include <new>

namespace cloison::fido {
namespace {

Cbor owned(cbor_item_t* item) {
    if (item == nullptr)
        throw std::bad_alloc();
    return Cbor(item);
}

bool keyEquals(const cbor_item_t* key, std::uint64_t wanted) {
    return cbor_isa_uint(key) && cbor_get_int(key) == wanted;
}

bool keyEquals(const cbor_item_t* key, std::string_view wanted) {
    return cbor_isa_string(key) && cbor_string_is_definite(key) &&
           std::string_view(reinterpret_cast<const char*>(cbor_string_handle(key)),
                            cbor_string_length(key)) == wanted;
}

template <typename Key> const cbor_item_t* find(const cbor_item_t* map, Key key) {
    if (map == nullptr || !cbor_isa_map(map) || !cbor_map_is_definite(map))
        return nullptr;
    const cbor_pair* pairs = cbor_map_handle(map);
    for (std::size_t i = 0; i < cbor_map_size(map); ++i)
        if (keyEquals(pairs[i].key, key))
            return pairs[i].value;
    return nullptr;
}

} // namespace

// libcbor encodes an integer in the width it was built with; CTAP wants the shortest form.
Cbor cborUint(std::uint64_t value) {
    if (value <= 0xff)
        return owned(cbor_build_uint8(static_cast<std::uint8_t>(value)));
    if (value <= 0xffff)
        return owned(cbor_build_uint16(static_cast<std::uint16_t>(value)));
    if (value <= 0xffffffff)
        return owned(cbor_build_uint32(static_cast<std::uint32_t>(value)));
    return owned(cbor_build_uint64(value));
}

Cbor cborNegative(std::uint64_t magnitude) {
    Cbor item = cborUint(magnitude - 1);
    cbor_mark_negint(item.get());
    return item;
}

Cbor cborBytes(ByteView bytes) {
    return owned(cbor_build_bytestring(bytes.data(), bytes.size()));
}

Cbor cborText(std::string_view text) {
    return owned(cbor_build_stringn(text.data(), text.size()));
}

Cbor cborBool(bool value) {
    return owned(cbor_build_bool(value));
}

Cbor cborMap(std::size_t size) {
    return owned(cbor_new_definite_map(size));
}

Cbor cborArray(std::size_t size) {
    return owned(cbor_new_definite_array(size));
}

void cborPut(cbor_item_t* map, Cbor key, Cbor value) {
    if (!cbor_map_add(map, cbor_pair{key.get(), value.get()}))
        throw std::bad_alloc();
}

void cborPush(cbor_item_t* array, Cbor value) {
    if (!cbor_array_push(array, value.get()))
        throw std::bad_alloc();
}

Bytes cborEncode(const cbor_item_t* item) {
    unsigned char* buffer = nullptr;
    std::size_t capacity = 0;
    const std::size_t length = cbor_serialize_alloc(item, &buffer, &capacity);
    if (length == 0) {
        std::free(buffer);
        throw std::bad_alloc();
    }
    Bytes out(buffer, buffer + length);
    std::free(buffer);
    return out;
}

Cbor cborDecode(ByteView data) {
    cbor_load_result result{};
    Cbor item(cbor_load(data.data(), data.size(), &result));
    if (!item || result.error.code != CBOR_ERR_NONE || result.read != data.size())
        return nullptr;
    return item;
}

const cbor_item_t* cborFind(const cbor_item_t* map, std::uint64_t key) {
    return find(map, key);
}

const cbor_item_t* cborFind(const cbor_item_t* map, std::string_view key) {
    return find(map, key);
}

std::optional<Bytes> cborAsBytes(const cbor_item_t* item) {
    if (item == nullptr || !cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item))
        return std::nullopt;
    const unsigned char* data = cbor_bytestring_handle(item);
    return Bytes(data, data + cbor_bytestring_length(item));
}

std::optional<std::string> cborAsText(const cbor_item_t* item) {
    if (item == nullptr || !cbor_isa_string(item) || !cbor_string_is_definite(item))
        return std::nullopt;
    return std::string(reinterpret_cast<const char*>(cbor_string_handle(item)),
                       cbor_string_length(item));
}

std::optional<std::uint64_t> cborAsUint(const cbor_item_t* item) {
    if (item == nullptr || !cbor_isa_uint(item))
        return std::nullopt;
    return cbor_get_int(item);
}

std::optional<std::int64_t> cborAsInt(const cbor_item_t* item) {
    if (item == nullptr)
        return std::nullopt;
    if (cbor_isa_uint(item) && cbor_get_int(item) <= INT64_MAX)
        return static_cast<std::int64_t>(cbor_get_int(item));
    if (cbor_isa_negint(item) && cbor_get_int(item) < INT64_MAX)
        return -1 - static_cast<std::int64_t>(cbor_get_int(item));
    return std::nullopt;
}

std::optional<bool> cborAsBool(const cbor_item_t* item) {
    if (item == nullptr || !cbor_isa_float_ctrl(item) || !cbor_is_bool(item))
        return std::nullopt;
    return cbor_get_bool(item);
}

} // namespace cloison::fido
