// The SQLite store's schema, as an ordered list of migrations.
#pragma once

#include <span>

#include "store/sqlite_migrations.h"

namespace ojsync {

std::span<const Migration> sqlite_store_migrations();

}  // namespace ojsync
