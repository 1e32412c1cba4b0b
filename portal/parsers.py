"""REST framework's parsers, returning bodies in NFC like the pages' forms (portal.text).

They are the project's parsers (settings.REST_FRAMEWORK), so no endpoint takes text another way. A module of its
own: REST framework imports its parser classes while `rest_framework.views` loads, so this one must not import it.
"""

from rest_framework.parsers import DataAndFiles, FormParser, JSONParser, MultiPartParser

from portal.text import nfc_data, nfc_query_dict


class NFCJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return nfc_data(super().parse(stream, media_type, parser_context))


class NFCFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return nfc_query_dict(super().parse(stream, media_type, parser_context))


class NFCMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        return DataAndFiles(nfc_query_dict(parsed.data), parsed.files)
