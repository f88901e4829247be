// Multilingual values. OJS keeps one row per (entity, setting, locale) and answers with the
// stored locales first (in storage order) followed by every other journal locale filled with ""
// / [] / null. The emulator stores locales as small indexes into the journal's locale table so
// that 100,000 seeded submissions stay compact and the same data can be shown with 3.3 codes
// (en_US) or 3.4+ codes (en).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ojsemu {

using LocaleIndex = std::uint8_t;

template <typename T>
class Localized {
 public:
  using Entry = std::pair<LocaleIndex, T>;

  Localized() = default;
  Localized(const Localized& other)
      : entries_(other.entries_ ? std::make_unique<std::vector<Entry>>(*other.entries_) : nullptr) {}
  Localized& operator=(const Localized& other) {
    if (this != &other) entries_ = other.entries_ ? std::make_unique<std::vector<Entry>>(*other.entries_) : nullptr;
    return *this;
  }
  Localized(Localized&&) noexcept = default;
  Localized& operator=(Localized&&) noexcept = default;

  const T* get(LocaleIndex locale) const {
    for (const auto& e : entries()) {
      if (e.first == locale) return &e.second;
    }
    return nullptr;
  }
  // Replaces the value in place (keeping its storage position) or appends it.
  void set(LocaleIndex locale, T value) {
    if (!entries_) entries_ = std::make_unique<std::vector<Entry>>();
    for (auto& e : *entries_) {
      if (e.first == locale) {
        e.second = std::move(value);
        return;
      }
    }
    entries_->emplace_back(locale, std::move(value));
  }
  void erase(LocaleIndex locale) {
    if (!entries_) return;
    for (auto it = entries_->begin(); it != entries_->end(); ++it) {
      if (it->first == locale) {
        entries_->erase(it);
        break;
      }
    }
    if (entries_->empty()) entries_.reset();
  }
  bool empty() const { return !entries_ || entries_->empty(); }
  const std::vector<Entry>& entries() const {
    static const std::vector<Entry> kNone;
    return entries_ ? *entries_ : kNone;
  }

 private:
  // Most multilingual props of a publication are unset; an empty value costs one pointer
  // instead of a vector, which matters with 100,000 submissions in memory.
  std::unique_ptr<std::vector<Entry>> entries_;
};

using LocalizedText = Localized<std::string>;
using LocalizedList = Localized<std::vector<std::string>>;

}  // namespace ojsemu
