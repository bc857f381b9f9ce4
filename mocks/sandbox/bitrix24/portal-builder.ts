import { seededDice, type SeededDice } from '../shared/random';

import { offsetMinutes } from './context';
import type {
  FixturePipeline,
  FixtureStage,
  PortalFixture,
  SandboxDeal,
  SandboxLead,
  SandboxPortal,
  SandboxStageChange,
  SandboxUserField,
  Semantic,
  UserFieldValue,
  UtmField,
} from './fixture';

/**
 * Materializes a validated portal fixture (`fixture.ts`): hand-written deals and leads with
 * their histories, and the seeded generator (`generate`) that walks a few hundred deals and
 * leads through their pipelines in sort order — on, now and then skipping a stage, to success or
 * failure (sometimes both failure stages), or stopping open; some deals move to another
 * pipeline (TYPE_ID 5), converted leads become deals (LEAD_ID). Every history ends at the
 * current stage; times are whole seconds and never after `generate.to`.
 */

const UTM_KEYS: readonly UtmField[] = ['UTM_SOURCE', 'UTM_MEDIUM', 'UTM_CAMPAIGN', 'UTM_CONTENT', 'UTM_TERM'];

export const stageSemantic = (stage: FixtureStage): Semantic => stage.semantics ?? 'P';

type GenerateSpec = NonNullable<PortalFixture['generate']>;
type FieldSpec = GenerateSpec['fields'][string];
interface Position {
  categoryId: number;
  stageId: string;
  at: number;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const emptyUtm = (): Record<UtmField, string | null> => ({ UTM_SOURCE: null, UTM_MEDIUM: null, UTM_CAMPAIGN: null, UTM_CONTENT: null, UTM_TERM: null });

/** Collects deals, leads and their histories; history IDs are assigned at the end in time order. */
export class PortalBuilder {
  private readonly deals: SandboxDeal[] = [];
  private readonly leads: SandboxLead[] = [];
  private readonly changes: Array<Omit<SandboxStageChange, 'id'>> = [];
  private readonly pipelines: Map<number, FixturePipeline>;
  private readonly owner: number;

  constructor(
    private readonly fixture: PortalFixture,
    private readonly userFields: SandboxUserField[],
  ) {
    this.pipelines = new Map(fixture.dealPipelines.map((pipeline) => [pipeline.id, pipeline]));
    this.owner = fixture.users[0]!.id;
  }

  private stage(categoryId: number, stageId: string): FixtureStage {
    return this.pipelines.get(categoryId)!.stages.find((stage) => stage.statusId === stageId)!;
  }

  private leadStage(statusId: string): FixtureStage {
    return this.fixture.leadStages.find((stage) => stage.statusId === statusId)!;
  }

  private firstStage(categoryId: number): FixtureStage {
    return [...this.pipelines.get(categoryId)!.stages].sort((a, b) => a.sort - b.sort)[0]!;
  }

  private recordDeal(ownerId: number, positions: Position[]): void {
    positions.forEach((position, index) => {
      const semantic = stageSemantic(this.stage(position.categoryId, position.stageId));
      const previous = positions[index - 1];
      const typeId = !previous ? 1 : previous.categoryId !== position.categoryId ? 5 : semantic === 'P' ? 2 : 3;
      this.changes.push({ entityTypeId: 2, ownerId, typeId, createdAt: position.at, categoryId: position.categoryId, stageId: position.stageId, semantic });
    });
  }

  private recordLead(ownerId: number, positions: Array<{ statusId: string; at: number }>): void {
    positions.forEach((position, index) => {
      const semantic = stageSemantic(this.leadStage(position.statusId));
      const typeId = index === 0 ? 1 : semantic === 'P' ? 2 : 3;
      this.changes.push({ entityTypeId: 1, ownerId, typeId, createdAt: position.at, categoryId: null, stageId: position.statusId, semantic });
    });
  }

  private pushDeal(deal: Omit<SandboxDeal, 'semantic' | 'closed' | 'isNew'>, positions: Position[]): void {
    const semantic = stageSemantic(this.stage(deal.categoryId, deal.stageId));
    this.deals.push({
      ...deal,
      semantic,
      closed: semantic !== 'P',
      isNew: this.firstStage(deal.categoryId).statusId === deal.stageId,
    });
    this.recordDeal(deal.id, positions);
  }

  addExplicitLead(lead: PortalFixture['leads'][number]): void {
    const createdAt = Date.parse(lead.createdAt);
    const movedAt = lead.movedAt === undefined ? createdAt : Date.parse(lead.movedAt);
    const semantic = stageSemantic(this.leadStage(lead.statusId));
    this.leads.push({
      id: lead.id,
      title: lead.title,
      statusId: lead.statusId,
      semantic,
      opportunity: lead.opportunity,
      currencyId: lead.currency ?? this.fixture.portal.currency,
      sourceId: lead.sourceId ?? null,
      assignedById: lead.assignedById ?? this.owner,
      createdAt,
      modifiedAt: lead.modifiedAt === undefined ? movedAt : Date.parse(lead.modifiedAt),
      movedAt,
      closedAt: semantic === 'P' ? null : movedAt,
      utm: { ...emptyUtm(), ...lead.utm },
    });
    this.recordLead(lead.id, [...lead.history.map((entry) => ({ statusId: entry.statusId, at: Date.parse(entry.at) })), { statusId: lead.statusId, at: movedAt }]);
  }

  addExplicitDeal(deal: PortalFixture['deals'][number]): void {
    const createdAt = Date.parse(deal.createdAt);
    const movedAt = deal.movedAt === undefined ? createdAt : Date.parse(deal.movedAt);
    const positions: Position[] = [
      ...deal.history.map((entry) => ({ categoryId: entry.categoryId ?? deal.categoryId, stageId: entry.stageId, at: Date.parse(entry.at) })),
      { categoryId: deal.categoryId, stageId: deal.stageId, at: movedAt },
    ];
    const values: Record<string, UserFieldValue> = {};
    for (const [name, raw] of Object.entries(deal.values)) {
      const field = this.userFields.find((candidate) => candidate.fieldName === name)!;
      if (raw === null) continue;
      const toItem = (value: string | number) => field.items?.find((item) => item.id === value || item.value === value)?.id ?? value;
      if (field.type === 'enumeration') values[name] = Array.isArray(raw) ? raw.map(toItem) : toItem(typeof raw === 'boolean' ? String(raw) : raw);
      else values[name] = raw;
    }
    const closed = stageSemantic(this.stage(deal.categoryId, deal.stageId)) !== 'P';
    this.pushDeal(
      {
        id: deal.id,
        title: deal.title,
        typeId: deal.typeId ?? this.fixture.dealTypes[0]!.statusId,
        categoryId: deal.categoryId,
        stageId: deal.stageId,
        opportunity: deal.opportunity,
        currencyId: deal.currency ?? this.fixture.portal.currency,
        leadId: deal.leadId,
        sourceId: deal.sourceId ?? null,
        assignedById: deal.assignedById ?? this.owner,
        createdById: deal.assignedById ?? this.owner,
        createdAt,
        modifiedAt: deal.modifiedAt === undefined ? movedAt : Date.parse(deal.modifiedAt),
        movedAt,
        beginDate: createdAt,
        closeDate: closed ? movedAt : createdAt + 7 * DAY,
        isReturnCustomer: false,
        utm: { ...emptyUtm(), ...deal.utm },
        values,
      },
      positions,
    );
  }

  generate(spec: GenerateSpec): void {
    const dice = seededDice(spec.seed);
    const { random, between, pick } = dice;
    const offset = offsetMinutes(this.fixture.portal.utcOffset) * 60_000;
    const from = Date.parse(`${spec.from}T00:00:00Z`) - offset;
    const to = Date.parse(`${spec.to}T23:59:59Z`) - offset;
    // Whole seconds, as Bitrix24 stores them (a filter on a written datetime finds the deal itself).
    const instant = (min: number, max: number) => between(Math.ceil(min / 1000), Math.floor(max / 1000)) * 1000;
    const step = () => instant(HOUR, 6 * DAY);
    const users = this.fixture.users.map((user) => user.id);
    const sources = this.fixture.sources.map((source) => source.statusId);
    const types = this.fixture.dealTypes.map((type) => type.statusId);
    const title = () => `${pick(spec.products)} — ${pick(spec.companies)}`;
    const amount = () => Math.round(between(spec.opportunity[0], spec.opportunity[1]) / 500) * 500;
    const utm = () => {
      const values = emptyUtm();
      for (const name of UTM_KEYS) {
        const fieldSpec = spec.fields[name];
        const roll = random();
        if (fieldSpec && roll < fieldSpec.fill) values[name] = fieldSpec.oneOf ? pick(fieldSpec.oneOf) : `${name.slice(4).toLowerCase()}-${between(1, 99)}`;
      }
      return values;
    };
    const usedDeals = new Set(this.deals.map((deal) => deal.id));
    const usedLeads = new Set(this.leads.map((lead) => lead.id));
    const nextId = (used: Set<number>, start: number) => {
      let candidate = start;
      while (used.has(candidate)) candidate += 1;
      used.add(candidate);
      return candidate;
    };

    /** Walks stages in sort order from the first: on, sometimes skipping one, to success or failure, or stops open. */
    const walk = (stages: FixtureStage[], start: number): Array<{ stageId: string; at: number }> => {
      const sorted = [...stages].sort((a, b) => a.sort - b.sort);
      const progress = sorted.filter((stage) => stage.semantics === undefined);
      const won = sorted.find((stage) => stage.semantics === 'S')!;
      const failures = sorted.filter((stage) => stage.semantics === 'F');
      const path = [{ stageId: progress[0]!.statusId, at: start }];
      let at = start;
      let index = 0;
      const move = (stage: FixtureStage) => {
        at += step();
        if (at > to) return false;
        path.push({ stageId: stage.statusId, at });
        return true;
      };
      for (;;) {
        const roll = random();
        if (roll < 0.07) {
          // Lost; now and then the failure is analysed afterwards (a second failure stage).
          const second = failures[1];
          const first = second && random() < 0.15 ? second : failures[0]!;
          if (move(first) && first === failures[0] && second && random() < 0.2) move(second);
          return path;
        }
        if (roll < 0.2) return path;
        const next = index + (random() < 0.1 && index + 2 < progress.length ? 2 : 1);
        if (next >= progress.length) {
          move(random() < 0.8 ? won : failures[0]!);
          return path;
        }
        if (!move(progress[next]!)) return path;
        index = next;
      }
    };

    const weights = this.fixture.dealPipelines.flatMap((pipeline) => {
      const weight = spec.pipelineWeights?.[String(pipeline.id)] ?? (pipeline.id === 0 ? 3 : 1);
      return Array<FixturePipeline>(Math.round(weight * 10)).fill(pipeline);
    });
    const others = this.fixture.dealPipelines.filter((pipeline) => pipeline.id !== 0);

    const addDeal = (input: { createdAt: number; categoryId: number; leadId: number | null; title: string; opportunity: number; sourceId: string | null; utm: Record<UtmField, string | null>; assignedById: number }) => {
      const dealId = nextId(usedDeals, spec.firstDealId);
      let positions: Position[] = walk(this.pipelines.get(input.categoryId)!.stages, input.createdAt).map((entry) => ({ ...entry, categoryId: input.categoryId }));
      // Now and then a deal of the default pipeline is moved to another pipeline on the way (TYPE_ID 5):
      // its walk is cut before it closed, and it goes on from the other pipeline's first stage.
      if (input.categoryId === 0 && others.length > 0 && random() < spec.pipelineChange) {
        const open = positions.filter((position) => stageSemantic(this.stage(0, position.stageId)) === 'P');
        const target = pick(others);
        const movedAt = open[open.length - 1]!.at + step();
        if (movedAt <= to) {
          positions = [...open, ...walk(target.stages, movedAt).map((entry) => ({ ...entry, categoryId: target.id }))];
        }
      }
      const current = positions[positions.length - 1]!;
      const closed = stageSemantic(this.stage(current.categoryId, current.stageId)) !== 'P';
      const values: Record<string, UserFieldValue> = {};
      for (const field of this.userFields) {
        const value = generateValue(field, spec.fields[field.fieldName], input.opportunity, input.createdAt, dice);
        if (value !== null) values[field.fieldName] = value;
      }
      this.pushDeal(
        {
          id: dealId,
          title: input.title,
          typeId: pick(types),
          categoryId: current.categoryId,
          stageId: current.stageId,
          opportunity: input.opportunity,
          currencyId: this.fixture.portal.currency,
          leadId: input.leadId,
          sourceId: input.sourceId,
          assignedById: input.assignedById,
          createdById: input.assignedById,
          createdAt: input.createdAt,
          modifiedAt: Math.max(current.at, Math.min(to, current.at + instant(0, 2 * DAY))),
          movedAt: current.at,
          beginDate: input.createdAt,
          closeDate: closed ? current.at : input.createdAt + between(7, 45) * DAY,
          isReturnCustomer: random() < 0.15,
          utm: input.utm,
          values,
        },
        positions,
      );
    };

    // Leads first: a converted lead becomes a deal of the default pipeline (LEAD_ID), created when it converted.
    let dealsLeft = spec.deals;
    for (let i = 0; i < spec.leads; i += 1) {
      const leadId = nextId(usedLeads, spec.firstLeadId);
      const createdAt = instant(from, to);
      const path = walk(this.fixture.leadStages, createdAt);
      const current = path[path.length - 1]!;
      const semantic = stageSemantic(this.leadStage(current.stageId));
      const lead: SandboxLead = {
        id: leadId,
        title: `Заявка: ${pick(spec.products)}`,
        statusId: current.stageId,
        semantic,
        opportunity: amount(),
        currencyId: this.fixture.portal.currency,
        sourceId: pick(sources),
        assignedById: pick(users),
        createdAt,
        modifiedAt: Math.max(current.at, Math.min(to, current.at + instant(0, DAY))),
        movedAt: current.at,
        closedAt: semantic === 'P' ? null : current.at,
        utm: utm(),
      };
      this.leads.push(lead);
      this.recordLead(leadId, path.map((entry) => ({ statusId: entry.stageId, at: entry.at })));
      const convertedAt = current.at + instant(0, 2 * HOUR);
      if (semantic === 'S' && dealsLeft > 0 && convertedAt <= to) {
        dealsLeft -= 1;
        addDeal({ createdAt: convertedAt, categoryId: 0, leadId, title: `${lead.title.replace(/^Заявка: /, '')} — ${pick(spec.companies)}`, opportunity: lead.opportunity, sourceId: lead.sourceId, utm: lead.utm, assignedById: lead.assignedById });
      }
    }
    for (; dealsLeft > 0; dealsLeft -= 1) {
      const pipeline = pick(weights);
      addDeal({ createdAt: instant(from, to), categoryId: pipeline.id, leadId: null, title: title(), opportunity: amount(), sourceId: pick(sources), utm: utm(), assignedById: pick(users) });
    }
  }

  finish(): Pick<SandboxPortal, 'deals' | 'leads' | 'history'> {
    const ordered = this.changes
      .map((change, index) => ({ change, index }))
      .sort((a, b) => a.change.createdAt - b.change.createdAt || a.index - b.index)
      .map(({ change }, index) => ({ id: index + 1, ...change }));
    return {
      deals: [...this.deals].sort((a, b) => a.id - b.id),
      leads: [...this.leads].sort((a, b) => a.id - b.id),
      history: ordered,
    };
  }
}

function generateValue(
  field: SandboxUserField,
  spec: FieldSpec | undefined,
  amount: number,
  createdAt: number,
  dice: SeededDice,
): UserFieldValue | null {
  const fill = spec?.fill ?? 0.7;
  // Always draw, so adding a spec for one field does not reshuffle the others.
  const { random, between, pick } = dice;
  const roll = random();
  if (roll >= fill) return null;
  const number = (): number => {
    const [min, max] = spec?.priceShare
      ? [amount * spec.priceShare[0], amount * spec.priceShare[1]]
      : (spec?.range ?? (field.type === 'money' ? [amount * 0.2, amount * 0.7] : [1, 100]));
    const factor = 10 ** (field.type === 'double' ? (spec?.decimals ?? 0) : 0);
    return Math.round((min + random() * (max - min)) * factor) / factor;
  };
  switch (field.type) {
    case 'string': {
      if (spec?.oneOf) return pick(spec.oneOf);
      if (spec?.digits) return Array.from({ length: spec.digits }, (_, i) => (i === 0 ? between(1, 9) : between(0, 9))).join('');
      return `${field.fieldName.slice(7).toLowerCase()}-${between(1, 999)}`;
    }
    case 'integer':
    case 'double':
      return number();
    case 'money':
      return Math.round(number());
    case 'boolean':
      return random() < 0.5;
    case 'url':
      return spec?.oneOf ? pick(spec.oneOf) : `https://example-${between(1, 99)}.ru`;
    case 'date':
    case 'datetime':
      return createdAt - between(0, 30) * DAY;
    case 'enumeration': {
      const items = field.items ?? [];
      if (!field.multiple) return pick(items).id;
      const chosen = items.filter(() => random() < 0.4);
      return (chosen.length > 0 ? chosen : [pick(items)]).map((item) => item.id);
    }
    default:
      return null;
  }
}

