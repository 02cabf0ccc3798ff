#include "storage/ProfileRepository.h"

namespace cloison::storage {
namespace {

CompartmentRecord readRecord(const Statement& stmt) {
    return {stmt.columnText(0),      stmt.columnText(1),       stmt.columnBlob(2),
            stmt.columnInt64(3),     stmt.columnInt64(4) != 0, stmt.columnBlob(5),
            stmt.columnInt64(6) != 0};
}

} // namespace

Result<void> ProfileRepository::insertCompartment(const CompartmentRecord& record) {
    auto stmt = m_vault.db().cached(
        "INSERT INTO compartments (id, name, wrapped_key, created_at, sealed, seal_slot, decoy)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!stmt)
        return stmt.error();
    stmt.value()->bind(1, record.id).bind(2, record.name).bind(3, record.wrappedKey);
    stmt.value()->bind(4, record.createdAt).bind(5, std::int64_t{record.sealed ? 1 : 0});
    stmt.value()->bind(6, record.sealSlot).bind(7, std::int64_t{record.decoy ? 1 : 0});
    auto done = stmt.value()->run();
    if (!done && done.error().code == ErrorCode::AlreadyExists)
        return makeError(ErrorCode::AlreadyExists,
                         "a compartment named \"" + record.name + "\" already exists");
    return done;
}

Result<void> ProfileRepository::removeCompartment(const std::string& id) {
    auto stmt = m_vault.db().cached("DELETE FROM compartments WHERE id = ?");
    if (!stmt)
        return stmt.error();
    stmt.value()->bind(1, id);
    if (auto done = stmt.value()->run(); !done)
        return done;
    if (m_vault.db().changes() == 0)
        return makeError(ErrorCode::NotFound, "no such compartment");
    return {};
}

Result<void> ProfileRepository::updateCompartmentKey(const std::string& id, ByteView wrappedKey,
                                                     bool sealed, ByteView sealSlot) {
    auto stmt = m_vault.db().cached(
        "UPDATE compartments SET wrapped_key = ?, sealed = ?, seal_slot = ? WHERE id = ?");
    if (!stmt)
        return stmt.error();
    stmt.value()->bind(1, wrappedKey);
    stmt.value()->bind(2, std::int64_t{sealed ? 1 : 0});
    stmt.value()->bind(3, sealSlot).bind(4, id);
    if (auto done = stmt.value()->run(); !done)
        return done;
    if (m_vault.db().changes() == 0)
        return makeError(ErrorCode::NotFound, "no such compartment");
    return {};
}

Result<std::vector<CompartmentRecord>> ProfileRepository::compartments() {
    auto stmt = m_vault.db().cached(
        "SELECT id, name, wrapped_key, created_at, sealed, seal_slot, decoy FROM compartments"
        " ORDER BY created_at, name");
    if (!stmt)
        return stmt.error();
    std::vector<CompartmentRecord> out;
    for (;;) {
        auto row = stmt.value()->step();
        if (!row)
            return row.error();
        if (!row.value())
            break;
        out.push_back(readRecord(*stmt.value()));
    }
    stmt.value()->reset();
    return out;
}

Result<std::optional<CompartmentRecord>>
ProfileRepository::compartmentNamed(const std::string& name) {
    auto stmt = m_vault.db().cached(
        "SELECT id, name, wrapped_key, created_at, sealed, seal_slot, decoy FROM compartments"
        " WHERE name = ?");
    if (!stmt)
        return stmt.error();
    stmt.value()->bind(1, name);
    return stmt.value()->optionalRow(readRecord);
}

} // namespace cloison::storage
