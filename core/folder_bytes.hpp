// A folder's files as one JSON value ({relative path: binary}), to hand a result folder from one MPI
// rank to another without a shared file system (CBOR keeps the bytes as they are).
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace pixforge {

// Every regular file under `dir` (recursively); an absent folder gives an empty object.
nlohmann::json folder_to_json(const std::filesystem::path& dir);

// Writes each file of `files` under `dir`, each atomically; `last` (a relative path, e.g. the file
// whose presence means "finished") is written after the others.
void json_to_folder(const nlohmann::json& files, const std::filesystem::path& dir,
                    const std::string& last = "");

}  // namespace pixforge
