// Locale keys as documents carry them, whatever the OJS version.
//
// OJS 3.3 spells locales language_COUNTRY (`en_US`, `fr_CA`); OJS 3.4 renamed most of them to
// the bare language (`en`, `es`, `ja`) when it upgraded a journal (pkp-lib's
// MergeLocalesMigration), and 3.5 kept the 3.4 names. Documents always use the 3.4+ spelling, so
// the agents' side sees one convention whichever OJS it syncs with, and a journal upgraded from
// 3.3 to 3.4 keeps the same keys (no upgrade looks like an edit of every field). Writes are put
// back into the journal's own spelling.
//
// The renames are those of the migration for each language's default region: `en_US` → `en`,
// `es_ES` → `es`, `sr_RS@latin` → `sr@latin`, `zh_TW` → `zh_Hant`, and so on. Other regions
// (`fr_CA`, `pt_BR`, `en_GB`) keep their name: the migration folded e.g. `en_GB` into `en` as
// well, which cannot be undone on the way back, so they are left as 3.3 wrote them.
#pragma once

#include <string>
#include <string_view>

#include "ojsync/json.h"
#include "ojsync/ojs_connector.h"
#include "ojsync/status.h"

namespace ojsync {

// One locale code: OJS's spelling for version `v` → documents' spelling, and back.
std::string locale_to_document(std::string_view ojs_locale, OjsVersion v);
std::string locale_to_ojs(std::string_view document_locale, OjsVersion v);

// Every locale key (and the `locale` value) of a projected document of `type` ("manuscript",
// "reviewer"; other types have none) in documents' spelling.
Json document_locales_from_ojs(std::string_view type, Json document, OjsVersion v);
// A document to write, in the journal's spelling. Both spellings are accepted; a field holding
// one locale under both (`en` and `en_US`) is kInvalidArgument.
Result<Json> document_locales_to_ojs(std::string_view type, Json document, OjsVersion v);

}  // namespace ojsync
