import { DropdownMenu } from 'radix-ui';
import { memo, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';

import { MARKERS, markerSchema, type Marker } from '@/contracts/mapping-config';
import { moduleClasses } from '@/components/ui/class-names';
import { CheckIcon, ChevronIcon } from '@/components/ui/icons';
import { menuClass } from '@/components/ui/menu';

import { useBoardActions, useBoardState } from './board-context';
import { boardMenuClass } from './board-menu';
import styles from './marker-picker.module.css';

const s = moduleClasses(styles, ['trigger', 'label', 'dot']);

const NONE = 'none';

/**
 * The marker of a container: none or one of the four. A marker that another container of
 * this pipeline carries says where ("used in In work"); choosing it asks before moving it.
 */
export const MarkerPicker = memo(function MarkerPicker({ containerId, containerName, marker }: { containerId: string; containerName: string; marker: Marker | null }) {
  const { t } = useTranslation();
  const actions = useBoardActions();
  const label = marker ? t(`mapping.markers.${marker}`) : t('mapping.marker.none');
  // The choice applies once the menu has closed and focus is back on its button, so a
  // confirmation ("move the marker?") opens from there and returns focus there.
  const chosen = useRef<{ marker: Marker | null } | null>(null);
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        className={s.trigger}
        data-marker={marker ?? NONE}
        data-marker-trigger={containerId}
        aria-label={t('mapping.marker.trigger', { name: containerName, marker: label })}
      >
        <span className={s.dot} aria-hidden="true" />
        <span className={s.label}>{marker ? label : t('mapping.marker.set')}</span>
        <ChevronIcon />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          className={boardMenuClass}
          align="end"
          sideOffset={4}
          collisionPadding={8}
          onCloseAutoFocus={() => {
            const choice = chosen.current;
            chosen.current = null;
            if (choice) actions.chooseMarker(containerId, choice.marker);
          }}
        >
          <MarkerItems containerId={containerId} marker={marker} onChoose={(next) => (chosen.current = { marker: next })} />
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
});

function MarkerItems({ containerId, marker, onChoose }: { containerId: string; marker: Marker | null; onChoose: (marker: Marker | null) => void }) {
  const { t } = useTranslation();
  const { board } = useBoardState();
  const hintPrefix = useId();
  return (
    <>
      <DropdownMenu.Label className={menuClass.label}>{t('mapping.marker.title')}</DropdownMenu.Label>
      <DropdownMenu.RadioGroup
        value={marker ?? NONE}
        onValueChange={(value) => {
          const parsed = markerSchema.safeParse(value);
          onChoose(parsed.success ? parsed.data : null);
        }}
      >
        <DropdownMenu.RadioItem className={menuClass.item} value={NONE}>
          <span className={menuClass.check}>
            <DropdownMenu.ItemIndicator>
              <CheckIcon />
            </DropdownMenu.ItemIndicator>
          </span>
          <span className={menuClass.itemText}>{t('mapping.marker.none')}</span>
        </DropdownMenu.RadioItem>
        {MARKERS.map((option) => {
          const owner = board.containers.find((container) => container.marker === option && container.id !== containerId);
          const hintId = `${hintPrefix}-${option}`;
          const hint = owner ? t('mapping.marker.usedIn', { name: owner.name }) : null;
          return (
            <DropdownMenu.RadioItem
              key={option}
              className={menuClass.item}
              value={option}
              data-marker={option}
              aria-label={t(`mapping.markers.${option}`)}
              aria-describedby={hint ? hintId : undefined}
            >
              <span className={menuClass.check}>
                <DropdownMenu.ItemIndicator>
                  <CheckIcon />
                </DropdownMenu.ItemIndicator>
              </span>
              <span className={s.dot} aria-hidden="true" />
              <span className={menuClass.itemText}>{t(`mapping.markers.${option}`)}</span>
              {hint ? (
                // Cut short beside the marker's name: the whole hint is its tooltip (and the item's description).
                <span id={hintId} className={menuClass.itemHint} title={hint}>
                  {hint}
                </span>
              ) : null}
            </DropdownMenu.RadioItem>
          );
        })}
      </DropdownMenu.RadioGroup>
    </>
  );
}
