import { configExportSchema, importPreviewSchema } from '../../app/contracts/config-transfer';
import { connectorParam, jsonContent, problemResponse, ref } from '../openapi';

/** OpenAPI paths and schemas of export and import (`transfer.ts`), merged by `buildOpenApiDocument`. */

export const transferOpenApiSchemas = {
  ConfigExport: configExportSchema,
  ImportPreview: importPreviewSchema,
};

export const transferOpenApiPaths = {
  '/api/connectors/{connector}/export': {
    parameters: [connectorParam],
    get: {
      summary: 'The configuration as a file to download',
      description:
        'The current configuration (the latest saved version, draft or active) as stored, `schemaVersion` included, in ' +
        '`config`, with the CRM names of the pipelines, statuses and custom fields it refers to in `names` (so an import ' +
        'into another account of the same CRM can match by name). Sent as an attachment named ' +
        '`hub-connect-<connector>-<account>-<yyyy-mm-dd>.json`. Holds no token or key.',
      responses: {
        200: {
          description: 'The exported file (`Content-Disposition: attachment`)',
          content: { 'application/json': { schema: ref('ConfigExport') } },
        },
        400: problemResponse('Connector not supported yet'),
        404: problemResponse('No configuration saved (`config_not_found`), or unknown connector'),
      },
    },
  },
  '/api/connectors/{connector}/import': {
    parameters: [connectorParam],
    post: {
      summary: 'Dry run of an import: the file adapted to this account, and what does not fit',
      description:
        'The body is the file: an export (`ConfigExport`) or a bare configuration document (`MappingConfigInput`), of any ' +
        'schema version (older ones are upgraded), at most 4 MB. It is matched against this workspace’s CRM account (the ' +
        'cached schema, as the wizard sees it): pipelines by id, then by name; statuses by id, then by name, then the won ' +
        'and lost statuses by meaning; custom fields (Other fields, `{cf:id}` in formulas, filter parameters) by id, then ' +
        'code, then name; names compared without case and repeated whitespace. The answer is the adapted configuration ' +
        '(`config`, what fits) and `misfits` (what does not, which the adapted configuration leaves out). Nothing is saved: ' +
        'save `config` with `PUT …/config` (If-Match) to make it the draft.',
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { oneOf: [ref('ConfigExport'), ref('MappingConfigInput')] } } },
      },
      responses: {
        200: jsonContent(ref('ImportPreview'), 'The adapted configuration and the misfits; nothing saved'),
        400: problemResponse('`invalid_json`: the file is not JSON; or connector not supported yet'),
        409: problemResponse('`crm_not_connected`, `crm_access_revoked`: authorize the CRM first (the file is matched against it)'),
        413: problemResponse('`file_too_large`: over 4 MB'),
        415: problemResponse('`json_required`: send it as application/json'),
        422: problemResponse(
          '`not_a_configuration`, `wrong_crm` (a configuration of another CRM), `unsupported_schema_version` (newer than this ' +
            'product), `validation_failed` (with `errors`, pointers into the file)',
        ),
        502: problemResponse('The CRM did not answer'),
        503: problemResponse('The CRM asks to slow down (`Retry-After`)'),
      },
    },
  },
};
