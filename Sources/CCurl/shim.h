// Typed, non-variadic wrappers around libcurl's variadic and macro APIs, so Swift can call them.
#ifndef TURNS_CCURL_SHIM_H
#define TURNS_CCURL_SHIM_H

#include <curl/curl.h>

/// A libcurl write / header callback: (data, size, nmemb, userdata) -> bytes taken.
typedef size_t (*turns_curl_data_callback)(char *, size_t, size_t, void *);
/// A libcurl transfer-info callback: (userdata, dltotal, dlnow, ultotal, ulnow) -> non-zero aborts.
typedef int (*turns_curl_xferinfo_callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

static inline CURLcode turns_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode turns_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode turns_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode turns_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode turns_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode turns_curl_setopt_datafunc(CURL *handle, CURLoption option, turns_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode turns_curl_setopt_xferinfofunc(CURL *handle, turns_curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}
static inline CURLcode turns_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode turns_curl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLMcode turns_curl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}
/* The pause bitmasks are macros built from other macros, which Swift does not import. */
static inline CURLcode turns_curl_pause_receiving(CURL *handle) {
    return curl_easy_pause(handle, CURLPAUSE_RECV);
}
static inline CURLcode turns_curl_continue(CURL *handle) {
    return curl_easy_pause(handle, CURLPAUSE_CONT);
}

#endif
