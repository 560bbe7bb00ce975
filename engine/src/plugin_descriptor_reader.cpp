#include "plugin_descriptor_reader.hpp"

#include <elf.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace ktrdr::engine {
namespace {

Error refused(const std::filesystem::path& file, const std::string& why) {
  return Error::plugin_refused(file.string() + ": " + why, {{"file", file.string()}});
}

bool read_at(std::ifstream& in, std::uint64_t offset, void* out, std::size_t size) {
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(static_cast<char*>(out), static_cast<std::streamsize>(size));
  return static_cast<std::size_t>(in.gcount()) == size;
}

}  // namespace

Result<KtrdrPluginDescriptor> read_plugin_descriptor(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error::io(file.string() + ": cannot open", {{"file", file.string()}});

  Elf64_Ehdr header{};
  if (!read_at(in, 0, &header, sizeof header) ||
      std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) {
    return refused(file, "not a plugin (not an ELF shared library)");
  }
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_type != ET_DYN ||
      header.e_shentsize != sizeof(Elf64_Shdr) || header.e_shstrndx >= header.e_shnum) {
    return refused(file, "not a plugin (not a 64-bit ELF shared library)");
  }
  std::vector<Elf64_Shdr> sections(header.e_shnum);
  if (!read_at(in, header.e_shoff, sections.data(), sections.size() * sizeof(Elf64_Shdr))) {
    return refused(file, "truncated ELF section table");
  }
  const Elf64_Shdr& names_header = sections[header.e_shstrndx];
  std::string names(names_header.sh_size, '\0');
  if (!read_at(in, names_header.sh_offset, names.data(), names.size())) {
    return refused(file, "truncated ELF section names");
  }
  for (const Elf64_Shdr& section : sections) {
    if (section.sh_name >= names.size() ||
        std::strcmp(names.c_str() + section.sh_name, KTRDR_PLUGIN_SECTION) != 0) {
      continue;
    }
    KtrdrPluginDescriptor descriptor{};
    if (section.sh_size < offsetof(KtrdrPluginDescriptor, name)) {
      return refused(file, "plugin descriptor is truncated");
    }
    const std::size_t size = std::min<std::size_t>(section.sh_size, sizeof descriptor);
    if (!read_at(in, section.sh_offset, &descriptor, size)) {
      return refused(file, "plugin descriptor is truncated");
    }
    if (std::memcmp(descriptor.magic, KTRDR_PLUGIN_MAGIC, sizeof KTRDR_PLUGIN_MAGIC) != 0) {
      return refused(file, "plugin descriptor has a bad magic number");
    }
    // Strings are read as C strings: make sure each ends inside its field.
    auto terminate = [](auto& field) { field[sizeof field - 1] = '\0'; };
    terminate(descriptor.name);
    terminate(descriptor.version);
    terminate(descriptor.sdk_version);
    terminate(descriptor.stdlib);
    terminate(descriptor.compiler);
    terminate(descriptor.kinds);
    return descriptor;
  }
  return refused(file, "not a ktrdr plugin (no " KTRDR_PLUGIN_SECTION " descriptor section)");
}

}  // namespace ktrdr::engine
