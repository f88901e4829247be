// Multilingual OJS fields: objects keyed by locale ({"en_US": "Title", "fr_CA": "Titre"}).
//
// OJS pads every multilingual field with all of the journal's locales ("" for text, [] for
// lists, null otherwise); documents keep only the locales that hold something, so a journal
// enabling a new language does not look like an edit. On writes OJS merges per locale: a
// locale left out is kept and a null (or [] for lists) removes it.
#pragma once

#include "ojsync/json.h"
#include "ojsync/status.h"

namespace ojsync {

// "", null, [] and {} hold nothing.
bool is_empty_value(const Json& v);

// `value` without its empty locales; an empty object when `value` is not an object. Taken by
// value: a caller done with its value moves it in, and nothing is copied.
Json normalize_multilingual(Json value);

// Checks a document's multilingual field: an object whose values are strings (or, when
// `list_valued`, arrays of strings). `field` names it in the error.
Status check_multilingual(const Json& value, std::string_view field, bool list_valued);

// The PUT value making OJS hold `desired` where it holds `current` (both normalized): every
// desired locale (OJS requires the primary locale whenever a required field is sent, so
// unchanged locales are resent too), and null ([] when `list_valued`) for each locale to drop.
Json multilingual_patch(const Json& desired, const Json& current, bool list_valued);

// 3.5 keyword-like lists are objects {name, identifier, source}: names per locale.
Json vocabulary_names(const Json& value);
// Names back to 3.5 objects, reusing the stored object (with its identifier) for names the
// publication already has, so writing a list back never strips vocabulary identifiers.
Json vocabulary_objects(const Json& names_patch, const Json& stored_objects);

}  // namespace ojsync
